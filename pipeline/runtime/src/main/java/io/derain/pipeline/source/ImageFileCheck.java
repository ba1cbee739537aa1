package io.derain.pipeline.source;

import io.derain.pipeline.InputException;
import io.derain.pipeline.media.EncodedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks an image file before OpenCV decodes it, because OpenCV's imread accepts damage silently: a
 * truncated or bit-flipped JPEG comes back with flat grey where the data ended, and a header that claims
 * 60000×60000 makes it allocate (or assert) before anything is known. JPEG and PNG are checked from their
 * own headers (size within the limit, end markers present); a JPEG's entropy-coded data is then decoded once
 * by the JDK's libjpeg, whose warnings ("Corrupt JPEG data: ...", "Premature end of JPEG file") are the
 * signal OpenCV's copy only prints; a PNG's chunks are checked against their CRC-32s. Other formats (bmp, webp, tiff, ...) are left to OpenCV.
 */
public final class ImageFileCheck {
    /** The largest width or height accepted: 16384 px (a 16K frame), far above any camera. */
    static final int MAX_SIDE = 16_384;

    private ImageFileCheck() {}

    /** Throws a one-line {@link InputException} naming {@code file} when it is damaged or too large. */
    public static void check(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + MediaPaths.oneLine(e), e);
        }
        boolean jpeg = EncodedImage.isJpeg(data), png = EncodedImage.isPng(data);
        String ext = MediaPaths.extension(file);
        // Judged by content: a PNG named .jpg is still a good picture; a .jpg that is neither is not.
        if (!jpeg && !png && (ext.equals("jpg") || ext.equals("jpeg"))) {
            throw new InputException(file + ": not a JPEG image (no start-of-image marker)");
        }
        if (!jpeg && !png && ext.equals("png")) throw new InputException(file + ": not a PNG image (no PNG signature)");
        if (!jpeg && !png) return;
        long size;
        try {
            size = jpeg ? EncodedImage.jpeg(data) : EncodedImage.png(data);
        } catch (EncodedImage.Damaged e) {
            throw new InputException(file + ": " + e.getMessage());
        }
        int w = EncodedImage.width(size), h = EncodedImage.height(size);
        if (w > MAX_SIDE || h > MAX_SIDE) {
            throw new InputException(file + ": declares a " + w + "x" + h + " picture, larger than the " + MAX_SIDE
                    + "-pixel limit per side (a damaged or hostile header?)");
        }
        if (jpeg) {
            String problem = libjpegProblem(data);
            if (problem != null) throw new InputException(file + ": corrupt JPEG data (" + problem + ")");
        } else {
            String problem = pngChunkProblem(data);
            if (problem == null) problem = PngImageData.problem(data);
            if (problem != null) throw new InputException(file + ": corrupt PNG (" + problem + ")");
        }
    }

    /** PNG protects every chunk with a CRC-32: the first chunk whose data does not match it, or null. */
    private static String pngChunkProblem(byte[] data) {
        CRC32 crc = new CRC32();
        int pos = 8;
        while (pos + 12 <= data.length) {
            long length = u32(data, pos);
            if (length > data.length - pos - 12) return "chunk at byte " + pos + " runs past the end";
            crc.reset();
            crc.update(data, pos + 4, (int) length + 4);
            if (crc.getValue() != u32(data, pos + 8 + (int) length)) {
                return "CRC mismatch in chunk " + new String(data, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
                        + " at byte " + pos;
            }
            pos += 12 + (int) length;
        }
        return null;
    }

    /** A PNG's big-endian unsigned 32-bit field. */
    static long u32(byte[] v, int at) {
        return (long) (v[at] & 0xff) << 24 | (v[at + 1] & 0xff) << 16 | (v[at + 2] & 0xff) << 8 | (v[at + 3] & 0xff);
    }

    /** Decodes the JPEG's raster with the JDK's libjpeg; its first warning or error, or null when clean. */
    private static String libjpegProblem(byte[] data) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) return null;
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.readRaster(0, null); // the raster: no colour conversion, so CMYK and odd colour spaces pass
            return warnings.isEmpty() ? null : warnings.get(0).strip();
        } catch (IOException | RuntimeException e) {
            String m = MediaPaths.oneLine(e);
            // The JDK cannot read some valid JPEGs (arithmetic coding, 12-bit); those are OpenCV's to judge.
            return m.contains("Unsupported Image Type") || m.contains("Unsupported JPEG process") ? null : m;
        } finally {
            reader.dispose();
        }
    }
}
