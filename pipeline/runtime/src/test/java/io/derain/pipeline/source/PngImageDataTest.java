package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** PNG image data checked row by row: every colour type and depth the JDK writes, Adam7, and the damage libpng reports. */
class PngImageDataTest {

    @Test
    void wholePicturesOfEveryKindPass() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY,
                BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED}) {
            for (int[] size : new int[][] {{1, 1}, {7, 5}, {97, 33}}) {
                assertNull(PngImageData.problem(jdkPng(size[0], size[1], type)), "type " + type + " " + size[0] + "x" + size[1]);
            }
        }
        for (int[] size : new int[][] {{1, 1}, {3, 2}, {9, 9}, {97, 33}}) {
            assertNull(PngImageData.problem(interlacedRgb(size[0], size[1], 0)), "Adam7 " + size[0] + "x" + size[1]);
        }
    }

    @Test
    void damagedImageDataIsNamed() throws IOException {
        assertEquals("bad filter type 9 in row 0 of its image data", PngImageData.problem(interlacedRgb(16, 16, 9)));
        byte[] raw = rows(16, 16, 3, 0);
        assertTrue(PngImageData.problem(png(16, 16, 2, 0, java.util.Arrays.copyOf(raw, raw.length - 10)))
                .startsWith("not enough image data"));
        byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 49);
        assertEquals("more image data than its 16x16 size holds", PngImageData.problem(png(16, 16, 2, 0, longer)));
        byte[] good = png(16, 16, 2, 0, raw);
        byte[] garbled = good.clone();
        int idat = indexOf(garbled, "IDAT");
        for (int i = idat + 6; i < idat + 20; i++) garbled[i] ^= 0x5a;
        fixCrc(garbled, idat - 4);
        assertTrue(PngImageData.problem(garbled) != null, "garbled deflate data");
    }

    private static byte[] jdkPng(int w, int h, int type) throws IOException {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 37 + y * 91) * 0x010307);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** An 8-bit RGB Adam7 picture, every row with filter type {@code filter}. */
    private static byte[] interlacedRgb(int w, int h, int filter) throws IOException {
        int[][] adam7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int[] p : adam7) {
            int pw = Math.max(0, (w - p[0] + p[2] - 1) / p[2]), ph = Math.max(0, (h - p[1] + p[3] - 1) / p[3]);
            if (pw == 0) continue;
            raw.writeBytes(rows(pw, ph, 3, filter));
        }
        return png(w, h, 2, 1, raw.toByteArray());
    }

    private static byte[] rows(int w, int h, int channels, int filter) {
        byte[] raw = new byte[h * (1 + w * channels)];
        for (int y = 0; y < h; y++) {
            raw[y * (1 + w * channels)] = (byte) filter;
            for (int i = 1; i <= w * channels; i++) raw[y * (1 + w * channels) + i] = (byte) (i * 7 + y);
        }
        return raw;
    }

    private static byte[] png(int w, int h, int colourType, int interlace, byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        byte[] ihdr = new byte[13];
        put32(ihdr, 0, w);
        put32(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = (byte) colourType;
        ihdr[12] = (byte) interlace;
        chunk(out, "IHDR", ihdr);
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) z.write(buf, 0, deflater.deflate(buf));
        deflater.end();
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] c = new byte[12 + data.length];
        put32(c, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.ISO_8859_1), 0, c, 4, 4);
        System.arraycopy(data, 0, c, 8, data.length);
        out.writeBytes(c);
        int at = out.size() - c.length;
        byte[] all = out.toByteArray();
        fixCrc(all, at);
        out.reset();
        out.writeBytes(all);
    }

    /** Recomputes the CRC of the chunk starting at {@code at} (its length field). */
    private static void fixCrc(byte[] png, int at) {
        int length = (png[at] & 0xff) << 24 | (png[at + 1] & 0xff) << 16 | (png[at + 2] & 0xff) << 8 | (png[at + 3] & 0xff);
        CRC32 crc = new CRC32();
        crc.update(png, at + 4, length + 4);
        put32(png, at + 8 + length, (int) crc.getValue());
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24); b[at + 1] = (byte) (v >>> 16); b[at + 2] = (byte) (v >>> 8); b[at + 3] = (byte) v;
    }

    private static int indexOf(byte[] bytes, String s) {
        byte[] p = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + p.length <= bytes.length; i++) {
            for (int j = 0; j < p.length; j++) if (bytes[i + j] != p[j]) continue outer;
            return i;
        }
        throw new AssertionError(s);
    }
}
