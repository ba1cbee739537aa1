package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz campaign over small inputs made here: each container (MPEG-TS, AVI, Matroska, MP4, MOV, raw
 * H.264) cut
 * at 20 points, with zeroed and duplicated regions and byte flips in its header and payload; JPEGs and PNGs
 * cut, flipped and with header bombs. The contract for each case: either a one-line {@link InputException}
 * naming the file, or (only for damage a decoder cannot see, such as a flip inside a picture's
 * coefficients, or JPEG data garbled into other valid data: the format has no checksum) every frame of
 * the original. Never a silently shorter result, never another exception.
 */
class FuzzCampaignTest {
    private static final int FRAMES = 20;
    private static final String[] CONTAINERS = {"mpegts", "avi", "matroska", "mp4", "mov", "h264"};

    @TempDir
    Path dir;

    private final List<String> violations = new ArrayList<>();
    private int cases, errors, whole;

    @Test
    void everyDamagedInputIsAnErrorOrReadsWhole() throws Exception {
        Random random = new Random(20261202);
        for (String format : CONTAINERS) {
            byte[] good = Files.readAllBytes(record(format));
            String ext = extension(format);
            for (int i = 1; i <= 20; i++) { // truncation: strict
                int at = (int) (good.length * (i * 4.9 / 100));
                video("cut" + i + "." + ext, Arrays.copyOf(good, Math.max(1, at)), true);
            }
            for (int i = 0; i < 4; i++) { // a zeroed 2 KiB region in the payload: strict
                byte[] b = good.clone();
                int at = good.length / 5 + random.nextInt(good.length * 3 / 5);
                Arrays.fill(b, at, Math.min(b.length, at + 2048), (byte) 0);
                video("zero" + i + "." + ext, b, true);
            }
            for (int i = 0; i < 2; i++) { // a duplicated 4 KiB region
                int at = good.length / 4 + random.nextInt(good.length / 2);
                byte[] b = new byte[good.length + 4096];
                System.arraycopy(good, 0, b, 0, at + 4096);
                System.arraycopy(good, at, b, at + 4096, good.length - at);
                video("dup" + i + "." + ext, b, false);
            }
            for (int i = 0; i < 5; i++) { // byte flips in the first KiB (headers)
                byte[] b = good.clone();
                for (int k = 0; k < 3; k++) b[random.nextInt(Math.min(1024, b.length))] ^= (byte) (1 + random.nextInt(255));
                video("hflip" + i + "." + ext, b, false);
            }
            for (int i = 0; i < 5; i++) { // byte flips in the payload
                byte[] b = good.clone();
                for (int k = 0; k < 8; k++) b[1024 + random.nextInt(b.length - 1024)] ^= (byte) (1 + random.nextInt(255));
                video("pflip" + i + "." + ext, b, false);
            }
            video("misnamed-" + format + ".jpg.mp4", good, false); // wrong extension: judged by content
        }
        byte[] jpeg = jpeg(random), png = png(random);
        for (int i = 1; i <= 12; i++) image("cut" + i + ".jpg", Arrays.copyOf(jpeg, jpeg.length * i / 13), true);
        for (int i = 1; i <= 6; i++) image("cut" + i + ".png", Arrays.copyOf(png, png.length * i / 7), true);
        for (int i = 0; i < 8; i++) {
            byte[] b = jpeg.clone();
            int at = b.length / 3 + random.nextInt(b.length / 2);
            Arrays.fill(b, at, Math.min(b.length - 2, at + 64), (byte) 0xff); // a run of fill bytes where data was
            // Not strict: fill bytes followed by a 0x00 are valid entropy-coded data, and JPEG has no checksum.
            image("garbled" + i + ".jpg", b, false);
        }
        for (int i = 0; i < 6; i++) {
            byte[] b = jpeg.clone();
            b[b.length / 3 + random.nextInt(b.length / 2)] ^= (byte) (1 + random.nextInt(255));
            image("pflip" + i + ".jpg", b, false);
        }
        for (int side : new int[] {16385, 30000, 60000, 65535}) image("bomb" + side + ".jpg", jpegClaiming(jpeg, side), true);
        image("empty.jpg", new byte[0], true);
        image("text.png", "not a picture".getBytes(), true);

        System.out.printf("fuzz campaign: %d cases, %d errors, %d read whole%n", cases, errors, whole);
        assertTrue(cases >= 200, "cases: " + cases);
        assertEquals(List.of(), violations);
    }

    private void video(String name, byte[] data, boolean mustFail) throws Exception {
        Path file = Files.write(dir.resolve(name), data);
        cases++;
        try {
            long n = decodeVideo(file);
            if (mustFail || n != FRAMES) violations.add(name + ": read " + n + " of " + FRAMES + " frames without an error");
            else whole++;
        } catch (InputException e) {
            checkLine(file, e);
        } catch (Exception | Error e) {
            violations.add(name + ": " + e);
        }
    }

    private void image(String name, byte[] data, boolean mustFail) throws Exception {
        Path file = Files.write(dir.resolve(name), data);
        cases++;
        try (FrameSource source = Sources.open(file)) {
            MediaItem item = source.next();
            if (mustFail || item == null) violations.add(name + ": accepted");
            else whole++;
        } catch (InputException e) {
            checkLine(file, e);
        } catch (Exception | Error e) {
            violations.add(name + ": " + e);
        }
    }

    private void checkLine(Path file, InputException e) {
        errors++;
        String m = e.getMessage();
        if (m == null || !m.contains(file.getFileName().toString()) || m.contains("\n")) violations.add(file.getFileName() + ": message " + m);
    }

    private static long decodeVideo(Path file) throws Exception {
        return TestMedia.decodedFrames(file);
    }

    private static String extension(String format) {
        return switch (format) { case "mpegts" -> "ts"; case "matroska" -> "mkv"; default -> format; };
    }

    private Path record(String format) throws Exception {
        return TestMedia.noiseClip(dir.resolve("good." + extension(format)), format, 160, 120, FRAMES, format.hashCode());
    }

    private static BufferedImage noise(int w, int h, Random random) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, random.nextInt(1 << 24) & 0x3f3f3f | (x * 255 / w) << 16);
        return img;
    }

    private static byte[] jpeg(Random random) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noise(160, 120, random), "jpg", out);
        return out.toByteArray();
    }

    private static byte[] png(Random random) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noise(160, 120, random), "png", out);
        return out.toByteArray();
    }

    private static byte[] jpegClaiming(byte[] jpeg, int side) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 8 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
                b[i + 5] = (byte) (side >> 8); b[i + 6] = (byte) side;
                b[i + 7] = (byte) (side >> 8); b[i + 8] = (byte) side;
                return b;
            }
        }
        throw new AssertionError("no SOF0");
    }
}
