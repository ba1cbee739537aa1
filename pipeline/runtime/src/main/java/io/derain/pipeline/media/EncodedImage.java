package io.derain.pipeline.media;

/**
 * What an encoded JPEG or PNG declares about itself, read from its own bytes without decoding: the picture
 * size, and whether the data is complete (the end markers). Run before OpenCV sees the data: a header
 * claiming a huge picture must not make the decoder allocate for it, and libjpeg decodes a truncated file
 * "successfully" (flat grey below the cut). Sizes are {@code (long) width << 32 | height}.
 */
public final class EncodedImage {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};

    /** The data is not a complete, well-formed image of its kind; the message says what is wrong. */
    public static final class Damaged extends RuntimeException {
        Damaged(String reason) { super(reason, null, false, false); }
    }

    private EncodedImage() {}

    public static boolean isJpeg(byte[] v) { return v.length >= 3 && (v[0] & 0xff) == 0xff && (v[1] & 0xff) == 0xd8 && (v[2] & 0xff) == 0xff; }

    public static boolean isPng(byte[] v) { return v.length >= PNG_SIGNATURE.length && startsWith(v, PNG_SIGNATURE); }

    public static int width(long size) { return (int) (size >>> 32); }

    public static int height(long size) { return (int) size; }

    public static long png(byte[] v) {
        if (v.length < 8 + 25 + PNG_END.length || !startsWith(v, PNG_SIGNATURE)) {
            throw new Damaged("not a PNG image (no PNG signature)");
        }
        if (!(v[12] == 'I' && v[13] == 'H' && v[14] == 'D' && v[15] == 'R')) {
            throw new Damaged("PNG has no IHDR header chunk");
        }
        if (!endsWith(v, PNG_END)) throw new Damaged("truncated PNG: no IEND chunk at the end");
        long width = u32(v, 16);
        long height = u32(v, 20);
        return size(width, height);
    }

    public static long jpeg(byte[] v) {
        if (v.length < 4 || (v[0] & 0xff) != 0xff || (v[1] & 0xff) != 0xd8) {
            throw new Damaged("not a JPEG image (no start-of-image marker)");
        }
        int end = v.length;
        while (end > 2 && v[end - 1] == 0) end--; // tolerate zero padding after the image
        if ((v[end - 2] & 0xff) != 0xff || (v[end - 1] & 0xff) != 0xd9) {
            throw new Damaged("truncated JPEG: no end-of-image marker");
        }
        int pos = 2;
        while (pos + 4 <= end) {
            if ((v[pos] & 0xff) != 0xff) throw new Damaged("corrupt JPEG: bad marker at byte " + pos);
            int marker = v[pos + 1] & 0xff;
            if (marker == 0xff) { pos++; continue; } // fill byte
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { pos += 2; continue; } // no length
            if (marker == 0xd9 || marker == 0xda) break; // end or start of scan before a frame header
            int length = u16(v, pos + 2);
            if (length < 2 || pos + 2 + length > end) throw new Damaged("corrupt JPEG: segment runs past the end");
            boolean frameHeader = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frameHeader) {
                if (length < 8) throw new Damaged("corrupt JPEG: short frame header");
                return size(u16(v, pos + 7), u16(v, pos + 5));
            }
            pos += 2 + length;
        }
        throw new Damaged("corrupt JPEG: no frame header before the image data");
    }

    private static long size(long width, long height) {
        if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new Damaged("image declares an impossible size " + width + "x" + height);
        }
        return width << 32 | height;
    }

    private static boolean startsWith(byte[] v, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) if (v[i] != prefix[i]) return false;
        return true;
    }

    private static boolean endsWith(byte[] v, byte[] suffix) {
        int off = v.length - suffix.length;
        for (int i = 0; i < suffix.length; i++) if (v[off + i] != suffix[i]) return false;
        return true;
    }

    private static int u16(byte[] v, int at) { return (v[at] & 0xff) << 8 | (v[at + 1] & 0xff); }

    private static long u32(byte[] v, int at) {
        return (long) (v[at] & 0xff) << 24 | (v[at + 1] & 0xff) << 16 | (v[at + 2] & 0xff) << 8 | (v[at + 3] & 0xff);
    }
}
