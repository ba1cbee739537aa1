package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.source.TestMedia;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged input and bad outputs through {@code derain run}: exit 2 with one line naming the file and the
 * problem, before the model loads where the paths alone tell; nothing lost, nothing left behind.
 */
class DamagedInputTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedJpegIsAnErrorNamingTheFile() throws Exception {
        byte[] jpeg = jpeg(160, 120);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        expectBadInput(run(cut, dir.resolve("out.jpg")), "cut.jpg", "truncated JPEG");
    }

    @Test
    void aJpegWithDamagedImageDataIsAnErrorNamingTheFile() throws Exception {
        byte[] jpeg = jpeg(160, 120);
        int from = jpeg.length / 2;
        for (int i = from; i < from + 40; i++) jpeg[i] = (byte) (i % 2 == 0 ? 0xff : 0xd3); // stray restart markers
        Path bad = Files.write(dir.resolve("flipped.jpg"), jpeg);
        expectBadInput(run(bad, dir.resolve("out.jpg")), "flipped.jpg", "corrupt JPEG");
    }

    @Test
    void aJpegHeaderClaimingAHugePictureIsRejectedBeforeDecoding() throws Exception {
        byte[] jpeg = jpeg(160, 120);
        int sof = sofOffset(jpeg);
        jpeg[sof + 5] = (byte) 0xea; jpeg[sof + 6] = 0x60; // height 60000
        jpeg[sof + 7] = (byte) 0xea; jpeg[sof + 8] = 0x60; // width 60000
        Path bomb = Files.write(dir.resolve("bomb.jpg"), jpeg);
        expectBadInput(run(bomb, dir.resolve("out.jpg")), "bomb.jpg", "60000x60000");
    }

    @Test
    void aDamagedImageInADirectoryIsNamed() throws Exception {
        Path photos = photosWithATruncatedMiddleOne();
        Path out = dir.resolve("out");
        expectBadInput(run(photos, out), "b.jpg", "truncated JPEG");
        assertFalse(Files.exists(out), "no partial output directory");
    }

    @Test
    void aPngWithAFlippedByteIsAnErrorNamingTheFile() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(gradient(64, 48), "png", bytes);
        byte[] png = bytes.toByteArray();
        png[png.length / 2] ^= 0x10; // inside IDAT
        Path bad = Files.write(dir.resolve("flipped.png"), png);
        expectBadInput(run(bad, dir.resolve("out.png")), "flipped.png", "CRC mismatch");
    }

    @Test
    void keepGoingWritesWhatDecodesAndReportsTheDamageWithExitThree() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("clip.mkv"), 50);
        byte[] bytes = Files.readAllBytes(clip);
        Path cut = Files.write(dir.resolve("cut.mkv"), Arrays.copyOf(bytes, bytes.length / 2));
        expectBadInput(CliRun.of("run", cut.toString(), "-o", dir.resolve("strict.mp4").toString(), "--model", "none", "-q"), "cut.mkv", "truncated");
        assertFalse(Files.exists(dir.resolve("strict.mp4")), "without --keep-going nothing is written");
        Path out = dir.resolve("partial.mp4");
        CliRun r = CliRun.of("run", cut.toString(), "-o", out.toString(), "--model", "none", "-q", "--keep-going");
        assertEquals(3, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("completed with damaged input") && r.err().contains("cut.mkv") && r.err().contains("truncated after"), r.err());
        long frames = TestMedia.probe(out).frames();
        assertTrue(frames > 5 && frames < 50, "what decoded: " + frames);

        Path photos = photosWithATruncatedMiddleOne();
        Path outDir = dir.resolve("photos-out");
        CliRun images = CliRun.of("run", photos.toString(), "-o", outDir.toString(), "--model", "none", "-q", "--keep-going");
        assertEquals(3, images.exitCode(), images.err());
        assertTrue(images.err().contains("b.jpg: truncated JPEG"), images.err());
        try (Stream<Path> written = Files.list(outDir)) {
            assertEquals(List.of("a.jpg", "c.jpg"), written.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aMisnamedButValidPngIsAccepted() throws Exception {
        Path png = dir.resolve("really-a-png.jpg");
        ImageIO.write(gradient(64, 48), "png", png.toFile());
        CliRun r = run(png, dir.resolve("out.png"));
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void anMkvWhoseAudioOutlastsItsVideoIsComplete() throws Exception {
        Path mkv = dir.resolve("long-audio.mkv");
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(mkv.toString(), 128, 96, 1)) {
            rec.setFormat("matroska");
            rec.setFrameRate(25);
            rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(48000);
            rec.start();
            Java2DFrameConverter converter = new Java2DFrameConverter();
            for (int i = 0; i < 25; i++) { // 1 s of video
                rec.setTimestamp(i * 40_000L);
                rec.record(converter.convert(gradient(128, 96)));
            }
            for (int s = 0; s < 3 * 48000; s += 1024) rec.recordSamples(48000, 1, ShortBuffer.allocate(1024)); // 3 s of audio
            rec.stop();
        }
        Path out = dir.resolve("out.mp4");
        CliRun r = CliRun.of("run", mkv.toString(), "-o", out.toString(), "--model", "none", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(25, TestMedia.probe(out).frames());
    }

    @Test
    void theOutputIsNeverTheInputNorALinkToIt() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("clip.mp4"), 10);
        byte[] before = Files.readAllBytes(clip);
        expectBadInput(CliRun.of("run", clip.toString(), "-o", clip.toString(), "-y", "--model", "none"), "clip.mp4", "is the input");
        Path link = Files.createLink(dir.resolve("link.mp4"), clip);
        expectBadInput(CliRun.of("run", clip.toString(), "-o", link.toString(), "-y", "--model", "none"), "link.mp4", "is the input");
        assertArrayEquals(before, Files.readAllBytes(clip), "the input is untouched");
    }

    @Test
    void outputProblemsAreReportedBeforeTheModelLoads() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("clip.mp4"), 10);
        Path exists = Files.write(dir.resolve("exists.mp4"), new byte[] {1});
        List<String[]> cases = List.of(
                new String[] {dir.resolve("no/such/dir/out.mp4").toString(), "does not exist"},
                new String[] {exists.toString(), "already exists"},
                new String[] {Files.createDirectory(dir.resolve("adir.mp4")).toString(), "is a directory"},
                new String[] {dir.resolve("out.png").toString(), "is a video"},
                new String[] {dir.resolve("out.xyz").toString(), "unsupported output type"});
        for (String[] c : cases) {
            CliRun r = CliRun.of("run", clip.toString(), "-o", c[0]); // the bundled model: its banner would come first
            expectBadInput(r, Path.of(c[0]).getFileName().toString(), c[1]);
            assertFalse(r.err().contains("attentive generator"), "reported before the model loaded: " + r.err());
        }
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(exists));
    }

    @Test
    void anOutputWhereNoFileCanBeCreatedIsBadInput() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("clip.mp4"), 5);
        for (String out : new String[] {"/proc/derain-out.mp4", "/sys/derain-out.mp4"}) {
            expectBadInput(CliRun.of("run", clip.toString(), "-o", out, "--model", "none"), out, "cannot create files");
        }
    }

    @Test
    void partialsOfDeadRunsAreRemovedAndALiveOnesKept() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("clip.mp4"), 5);
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = Files.write(dir.resolve(".out.partial-" + dead.pid() + "-0123456789ab.mp4"), new byte[10]);
        Path live = Files.write(dir.resolve(".out.partial-" + ProcessHandle.current().pid() + "-ba9876543210.mp4"), new byte[10]);
        Path other = Files.write(dir.resolve(".other.partial-" + dead.pid() + "-0123456789ab.mp4"), new byte[10]);
        CliRun r = CliRun.of("run", clip.toString(), "-o", dir.resolve("out.mp4").toString(), "--model", "none", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(stale), "a dead run's partial of the same output is removed");
        assertTrue(Files.exists(live), "a running process's partial is never touched");
        assertTrue(Files.exists(other), "another output's partial is not this run's business");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".out.partial") && !n.equals(live.getFileName().toString())).toList());
        }
    }

    /**
     * As a user runs it, in its own JVM, so that whatever native code prints to stderr is seen: FFmpeg's,
     * libjpeg's and libpng's own lines never add to the one line.
     */
    @Test
    void aDamagedInputCostsExactlyOneLineOnStderrIncludingNativeOutput() throws Exception {
        Path whole = TestMedia.noiseClip(dir.resolve("whole.ts"), "mpegts", 160, 120, 20, 1);
        byte[] ts = Files.readAllBytes(whole);
        byte[] jpeg = jpeg(160, 120);
        var pngBytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(gradient(64, 48), "png", pngBytes);
        byte[] png = pngBytes.toByteArray();
        png[png.length / 2] ^= 0x10;
        Path[] inputs = {
            Files.write(dir.resolve("cut.ts"), Arrays.copyOf(ts, ts.length / 2 + 77)),
            Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2)),
            Files.write(dir.resolve("crc.png"), png),
        };
        for (Path input : inputs) {
            String out = dir.resolve("out-" + input.getFileName() + (input.toString().endsWith(".ts") ? ".mp4" : "")).toString();
            Path stderr = dir.resolve("stderr-" + input.getFileName() + ".txt");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "run", input.toString(),
                    "-o", out, "--model", "none", "-q")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("derain run " + input.getFileName() + " did not end within 60 s");
            }
            String err = Files.readString(stderr);
            assertEquals(2, p.exitValue(), err);
            assertEquals(1, err.strip().lines().count(), "one line for " + input.getFileName() + ":\n" + err);
            assertTrue(err.contains(input.getFileName().toString()), err);
        }
    }

    /** photos/a.jpg, b.jpg (cut in half), c.jpg. */
    private Path photosWithATruncatedMiddleOne() throws Exception {
        Path photos = Files.createDirectory(dir.resolve("photos"));
        byte[] jpeg = jpeg(160, 120);
        Files.write(photos.resolve("a.jpg"), jpeg);
        Files.write(photos.resolve("b.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(photos.resolve("c.jpg"), jpeg);
        return photos;
    }

    private CliRun run(Path input, Path output) {
        return CliRun.of("run", input.toString(), "-o", output.toString(), "--model", "none", "-q");
    }

    private static void expectBadInput(CliRun r, String named, String problem) {
        assertEquals(2, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(named) && err.contains(problem), "names " + named + " and '" + problem + "': " + err);
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) & 0xff));
        return img;
    }

    private static byte[] jpeg(int w, int h) throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(gradient(w, h), "jpg", bytes);
        return bytes.toByteArray();
    }

    /** Offset of the JPEG's SOF0/SOF2 marker. */
    private static int sofOffset(byte[] j) {
        for (int i = 2; i + 1 < j.length; i++) {
            if ((j[i] & 0xff) == 0xff && ((j[i + 1] & 0xff) == 0xc0 || (j[i + 1] & 0xff) == 0xc2)) return i;
        }
        throw new AssertionError("no SOF marker");
    }
}
