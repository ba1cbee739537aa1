package io.derain.pipeline.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.TestMedia;
import io.derain.pipeline.source.VideoFileSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** derain synth on real footage: the final 0.12 s (3 frames) of the 1280×720 test clip keep it quick. */
class SynthCommandTest {
    private static final int FRAMES = 3;
    @TempDir static Path tmp;
    private static Path pairs;

    @BeforeAll
    static void synthesisePairs() {
        pairs = tmp.resolve("pairs");
        // "altered" masks: every pixel outside them must equal the clean frame (checked below).
        CliRun run = synth(pairs, "--seed", "5", "--mask", "altered");
        assertEquals(0, run.exitCode(), run.err());
    }

    private static CliRun synth(Path output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("synth", TestMedia.shortClip().toString(),
                "-o", output.toString(), "--last", "0.12", "-q"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void pairsDirectoryHoldsMatchingRainyCleanAndMaskImages() throws Exception {
        for (String sub : List.of("rainy", "clean", "mask")) {
            assertEquals(List.of("00000.png", "00001.png", "00002.png"), names(pairs.resolve(sub)), sub);
        }
        for (String name : names(pairs.resolve("mask"))) {
            try (Mat rainy = imread(pairs.resolve("rainy/" + name).toString(), IMREAD_UNCHANGED);
                 Mat clean = imread(pairs.resolve("clean/" + name).toString(), IMREAD_UNCHANGED);
                 Mat mask = imread(pairs.resolve("mask/" + name).toString(), IMREAD_UNCHANGED)) {
                assertEquals(1280, rainy.cols());
                assertEquals(720, rainy.rows());
                assertEquals(3, rainy.channels());
                assertEquals(1, mask.channels(), "grey mask");
                assertEquals(1280, mask.cols());
                byte[] r = bytes(rainy), c = bytes(clean), m = bytes(mask);
                int drops = 0;
                for (int i = 0; i < m.length; i++) {
                    int v = m[i] & 0xff;
                    assertTrue(v == 0 || v == 255, "binary mask");
                    boolean changed = r[3 * i] != c[3 * i] || r[3 * i + 1] != c[3 * i + 1] || r[3 * i + 2] != c[3 * i + 2];
                    if (v == 0) assertFalse(changed, name + ": pixel " + i + " outside the mask differs");
                    else drops++;
                }
                assertTrue(drops > m.length / 50, name + ": drops cover " + drops + " pixels");
            }
        }
    }

    @Test
    void cleanFramesAreTheLastFramesOfTheVideo() throws Exception {
        try (VideoFileSource source = VideoFileSource.open(TestMedia.shortClip());
             Mat first = imread(pairs.resolve("clean/00000.png").toString(), IMREAD_UNCHANGED)) {
            long wanted = source.info().frameCount() - FRAMES;
            Object item;
            while ((item = source.next()) != null) {
                if (item instanceof VideoItem v && v.frame().index() == wanted) {
                    byte[] decoded = new byte[v.frame().pixels().remaining()];
                    v.frame().pixels().get(decoded);
                    assertArrayEquals(decoded, bytes(first), "clean/00000.png is frame " + wanted);
                    return;
                }
            }
            throw new AssertionError("frame " + wanted + " not found");
        }
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherRain() throws Exception {
        Path again = tmp.resolve("again"), other = tmp.resolve("other");
        assertEquals(0, synth(again, "--seed", "5", "--mask", "altered").exitCode());
        assertEquals(0, synth(other, "--seed", "6").exitCode());
        for (String sub : List.of("rainy", "clean", "mask")) {
            for (String name : names(pairs.resolve(sub))) {
                assertArrayEquals(Files.readAllBytes(pairs.resolve(sub).resolve(name)),
                        Files.readAllBytes(again.resolve(sub).resolve(name)), sub + "/" + name);
            }
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(pairs.resolve("mask/00002.png")),
                Files.readAllBytes(other.resolve("mask/00002.png"))), "another seed, other drops");
        assertArrayEquals(Files.readAllBytes(pairs.resolve("clean/00002.png")),
                Files.readAllBytes(other.resolve("clean/00002.png")), "same clean frames");
    }

    @Test
    void videoOutputIsTheRainyClipWithAudioAndMasksBeside() throws Exception {
        Path video = tmp.resolve("rainy.mp4");
        CliRun run = CliRun.of("synth", TestMedia.shortClip().toString(), "-o", video.toString(),
                "--from", "0.4", "--duration", "0.2", "--style", "windshield", "--density", "0.1", "-q");
        assertEquals(0, run.exitCode(), run.err());
        TestMedia.Probe probe = TestMedia.probe(video);
        assertEquals(5, probe.frames(), "0.2 s at 25 fps");
        assertEquals(1280, probe.width());
        assertEquals(25, probe.frameRate(), 0.01);
        assertTrue(probe.audioChannels() > 0, "audio kept");
        assertEquals(0, probe.timestamps().get(0), "starts at 0");
        assertEquals(List.of("00000.png", "00001.png", "00002.png", "00003.png", "00004.png"),
                names(tmp.resolve("rainy.masks")));
    }

    @Test
    void missingInputFailsWithCode2AndWritesNothing() throws Exception {
        Path out = tmp.resolve("missing-out");
        CliRun run = CliRun.of("synth", tmp.resolve("no-such.mp4").toString(), "-o", out.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("no-such.mp4") && run.err().strip().lines().count() == 1, run.err());
        assertFalse(Files.exists(out));
        assertTrue(names(tmp).stream().noneMatch(n -> n.startsWith(".")), "no temporary leftovers: " + names(tmp));
    }

    @Test
    void opticalDropsOnAGlassPlateAreRenderedWithAnExactMask() throws Exception {
        Path out = tmp.resolve("optical");
        CliRun run = synth(out, "--style", "optical", "--glass", "plate", "--mask", "altered", "--seed", "3");
        assertEquals(0, run.exitCode(), run.err());
        try (Mat rainy = imread(out.resolve("rainy/00000.png").toString(), IMREAD_UNCHANGED);
             Mat clean = imread(out.resolve("clean/00000.png").toString(), IMREAD_UNCHANGED);
             Mat mask = imread(out.resolve("mask/00000.png").toString(), IMREAD_UNCHANGED)) {
            byte[] r = bytes(rainy), c = bytes(clean), m = bytes(mask);
            int drops = 0;
            for (int i = 0; i < m.length; i++) {
                boolean changed = r[3 * i] != c[3 * i] || r[3 * i + 1] != c[3 * i + 1] || r[3 * i + 2] != c[3 * i + 2];
                if (m[i] == 0) assertFalse(changed, "pixel " + i + " outside the mask differs");
                else drops++;
            }
            assertTrue(drops > m.length / 50, "drops cover " + drops + " pixels");
        }
    }

    @Test
    void glassWithoutTheOpticalStyleIsBadInput() {
        CliRun run = synth(tmp.resolve("no-glass"), "--glass", "plate");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--glass") && run.err().strip().lines().count() == 1, run.err());
        CliRun bad = synth(tmp.resolve("bad-glass"), "--style", "optical", "--glass", "bathroom");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--glass") && bad.err().contains("bathroom"), bad.err());
    }

    @Test
    void existingOutputNeedsOverwrite() {
        CliRun run = synth(pairs);
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("already exists"), run.err());
    }

    @Test
    void badOptionsAreRefusedWithCode2() {
        assertEquals(2, synth(tmp.resolve("x"), "--density", "1.5").exitCode());
        assertEquals(2, synth(tmp.resolve("x"), "--style", "drizzle").exitCode());
        assertEquals(2, CliRun.of("synth", TestMedia.shortClip().toString(), "-o", tmp.resolve("x").toString(),
                "--from", "99").exitCode());
        assertEquals(2, synth(tmp.resolve("x"), "--veil", "2").exitCode());
        assertEquals(2, synth(tmp.resolve("x"), "--drop-size", "9").exitCode());
        CliRun badLift = synth(tmp.resolve("x"), "--veil-lift", "0.1");
        assertEquals(2, badLift.exitCode());
        assertTrue(badLift.err().contains("--veil-lift"), badLift.err());
        CliRun veiledAltered = synth(tmp.resolve("x"), "--veil", "0.2", "--mask", "altered");
        assertEquals(2, veiledAltered.exitCode(), "a veil alters every pixel: no 'altered' mask can hold");
        assertTrue(veiledAltered.err().contains("--veil 0"), veiledAltered.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] bytes(Mat mat) {
        assertTrue(mat.isContinuous());
        ByteBuffer b = mat.data().capacity(mat.step() * mat.rows()).asByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void dropMasksAreTheVisibleCoreOfTheAlteredPixels() throws Exception {
        Path drops = tmp.resolve("drops");
        // --mask altered leaves the veil off: so does this run, whose rainy frames must be the same.
        assertEquals(0, synth(drops, "--seed", "5", "--veil", "0").exitCode());
        for (String name : names(pairs.resolve("mask"))) {
            assertArrayEquals(Files.readAllBytes(pairs.resolve("rainy/" + name)), Files.readAllBytes(drops.resolve("rainy/" + name)),
                    "the mask kind changes only the mask");
            try (Mat altered = imread(pairs.resolve("mask/" + name).toString(), IMREAD_UNCHANGED);
                 Mat core = imread(drops.resolve("mask/" + name).toString(), IMREAD_UNCHANGED)) {
                byte[] a = bytes(altered), c = bytes(core);
                int inCore = 0;
                for (int i = 0; i < a.length; i++) {
                    if (c[i] != 0) {
                        inCore++;
                        assertEquals((byte) 255, a[i], name + ": drop pixel " + i + " not altered");
                    }
                }
                assertTrue(inCore > 0, name + ": no drop pixels");
            }
        }
    }
}
