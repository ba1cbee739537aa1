package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.weights.PythonFixtures;
import io.derain.operators.derain.CpuFeatures;
import io.derain.pipeline.source.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code derain run} end to end, in-process through the same picocli entry point as ./derain: real
 * FFmpeg decode and encode, the generator with weights written by PyTorch (a tiny architecture of the
 * paper's design, so the tests stay fast), outputs checked with an independent decoder.
 */
class RunCommandTest {
    private static Path weights;

    @TempDir
    Path dir;

    @BeforeAll
    static void tinyWeights() {
        // Legacy (non-zip) torch.save format, like the released gen.pkl.
        weights = PythonFixtures.dir("tiny", "--recurrent", "4", "--widths", "8,16,32").resolve("gen_legacy_v2.pkl");
    }

    private record Result(int exitCode, String err) {}

    private static Result derain(String... args) {
        StringWriter err = new StringWriter();
        var cli = DerainCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, err.toString());
    }

    private List<Path> filesIn(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    @Test
    void videoKeepsFrameCountRateSizeAndAudio() throws Exception {
        Path out = dir.resolve("out.mp4");
        Result r = derain("run", TestMedia.shortClip().toString(), "-o", out.toString(), "--weights", weights.toString(),
                "--batch", "2", "-q");
        assertEquals(0, r.exitCode(), r.err());
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals(38, p.frames());
        assertEquals(25.0, p.frameRate(), 0.01);
        assertEquals(1280, p.width());
        assertEquals(720, p.height());
        assertTrue(p.audioChannels() > 0, "audio stream kept");
        assertEquals(TestMedia.probe(TestMedia.shortClip()).timestamps(), p.timestamps());
        assertEquals(List.of(out), filesIn(dir), "no temporary files left");
    }

    @Test
    void imageDirectoryWithLegacyWeightsKeepsNamesAndSizes() throws Exception {
        Path out = dir.resolve("outdir");
        Result r = derain("run", TestMedia.realRain().toString(), "-o", out.toString(), "--weights", weights.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        List<Path> inputs = filesIn(TestMedia.realRain());
        List<Path> outputs = filesIn(out);
        assertEquals(8, outputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(inputs.get(i).getFileName(), outputs.get(i).getFileName());
            try (Mat in = opencv_imgcodecs.imread(inputs.get(i).toString());
                 Mat o = opencv_imgcodecs.imread(outputs.get(i).toString())) {
                assertEquals(in.cols(), o.cols(), outputs.get(i) + " width");
                assertEquals(in.rows(), o.rows(), outputs.get(i) + " height");
            }
        }
    }

    private static int worstDifference(Path expectedImage, Path actualImage) {
        try (Mat expected = opencv_imgcodecs.imread(expectedImage.toString());
             Mat actual = opencv_imgcodecs.imread(actualImage.toString())) {
            assertEquals(expected.cols(), actual.cols());
            byte[] e = new byte[(int) (expected.total() * 3)], a = new byte[e.length];
            expected.data().get(e);
            actual.data().get(a);
            int worst = 0;
            for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs((e[i] & 0xff) - (a[i] & 0xff)));
            return worst;
        }
    }

    /**
     * Weights without gate settings (the paper's gen.pkl is a plain state dict) run the network's whole output,
     * as the paper's demo does: `derain run img.png --weights gen.pkl --precision fp32` gives what the PyTorch reference
     * made of the same picture (BGR / 255 in, output * 255 rounded), to one level; --attention-gate changes it.
     */
    @Test
    void legacyWeightsGiveThePaperDemosOwnOutput() throws Exception {
        Path fixtures = weights.getParent();
        Path out = dir.resolve("demo.png"), exact = dir.resolve("demo-fp32.png"), gated = dir.resolve("gated.png");
        Result r = derain("run", fixtures.resolve("demo_input.png").toString(), "-o", exact.toString(),
                "--weights", weights.toString(), "--precision", "fp32", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(worstDifference(fixtures.resolve("demo_output.png"), exact) <= 1, "fp32: within one level of PyTorch's");
        // The default precision (int8 features and bf16 where the CPU has them) rounds a little more.
        r = derain("run", fixtures.resolve("demo_input.png").toString(), "-o", out.toString(), "--weights", weights.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        int worst = worstDifference(fixtures.resolve("demo_output.png"), out);
        assertTrue(worst <= 3, "largest difference from the PyTorch demo output at the default precision: " + worst + " levels");
        assertEquals(0, derain("run", fixtures.resolve("demo_input.png").toString(), "-o", gated.toString(),
                "--weights", weights.toString(), "--attention-gate", "-q").exitCode());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(out), Files.readAllBytes(gated)),
                "the gate is not applied by default to weights that carry no gate settings");
    }

    /** --temporal on a video (the real windshield clip, thinned to 3 fps) keeps its frames; on still images it is refused. */
    @Test
    void temporalModeRunsOnVideoOnly() throws Exception {
        Path out = dir.resolve("temporal.mp4");
        Result r = derain("run", TestMedia.windshieldVideo().toString(), "-o", out.toString(), "--weights", weights.toString(),
                "--temporal", "--fps", "3", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(48, TestMedia.probe(out).frames(), "16 s at 3 fps");
        Result still = derain("run", weights.getParent().resolve("demo_input.png").toString(), "-o",
                dir.resolve("t.png").toString(), "--weights", weights.toString(), "--temporal", "-q");
        assertEquals(2, still.exitCode(), still.err());
        assertTrue(still.err().contains("still images"), still.err());
    }

    /** --preview side-by-side: one picture three times as wide, the input on the left, the derained one beside it. */
    @Test
    void sideBySidePreviewShowsInputDerainedAndMap() throws Exception {
        Path input = weights.getParent().resolve("demo_input.png");
        Path plain = dir.resolve("plain.png"), preview = dir.resolve("preview.png");
        assertEquals(0, derain("run", input.toString(), "-o", plain.toString(), "--weights", weights.toString(), "-q").exitCode());
        Result r = derain("run", input.toString(), "-o", preview.toString(), "--weights", weights.toString(),
                "--preview", "side-by-side", "-q");
        assertEquals(0, r.exitCode(), r.err());
        try (Mat in = opencv_imgcodecs.imread(input.toString()); Mat out = opencv_imgcodecs.imread(plain.toString());
             Mat p = opencv_imgcodecs.imread(preview.toString())) {
            int w = in.cols();
            assertEquals(3 * w, p.cols());
            assertEquals(in.rows(), p.rows());
            try (Mat left = new Mat(p, new Rect(0, 0, w, in.rows())).clone();
                 Mat middle = new Mat(p, new Rect(w, 0, w, in.rows())).clone()) {
                assertEquals(0, org.bytedeco.opencv.global.opencv_core.norm(left, in, org.bytedeco.opencv.global.opencv_core.NORM_INF, new Mat()));
                assertEquals(0, org.bytedeco.opencv.global.opencv_core.norm(middle, out, org.bytedeco.opencv.global.opencv_core.NORM_INF, new Mat()));
            }
        }
        Result bad = derain("run", input.toString(), "-o", dir.resolve("x.png").toString(), "--weights", weights.toString(),
                "--preview", "stacked", "-q");
        assertEquals(2, bad.exitCode(), bad.err());
    }

    /** --attention writes one 8-bit map per image, named after it and of its size, and the drop coverage. */
    @Test
    void attentionMapsComeOutBesideTheImages() throws Exception {
        Path out = dir.resolve("maps-out"), maps = dir.resolve("maps");
        Result r = derain("run", TestMedia.realRain().toString(), "-o", out.toString(), "--weights", weights.toString(),
                "--attention", maps.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("raindrops cover"), r.err());
        List<Path> inputs = filesIn(TestMedia.realRain());
        List<Path> written = filesIn(maps);
        assertEquals(8, written.size());
        for (int i = 0; i < inputs.size(); i++) {
            String name = inputs.get(i).getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png";
            assertEquals(name, written.get(i).getFileName().toString());
            try (Mat in = opencv_imgcodecs.imread(inputs.get(i).toString());
                 Mat map = opencv_imgcodecs.imread(written.get(i).toString(), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                assertEquals(1, map.channels(), "grey");
                assertEquals(in.cols(), map.cols());
                assertEquals(in.rows(), map.rows());
            }
        }
        // An existing map directory is refused without -y, and the main output is not written either.
        Path out2 = dir.resolve("maps-out2");
        Result refused = derain("run", TestMedia.realRain().toString(), "-o", out2.toString(), "--weights",
                weights.toString(), "--attention", maps.toString(), "-q");
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("maps"), refused.err());
        assertFalse(Files.exists(out2), "no output without its maps");
    }

    /** bf16 on a CPU without bf16 hardware is a trap (many times slower than fp32): the run says so, and still runs. */
    @Test
    void bf16WithoutHardwareSupportIsWarnedAbout() throws Exception {
        // A small crop of a real photo: the slow path takes seconds per full frame.
        Path image = dir.resolve("small.png"), out = dir.resolve("bf16.png");
        try (Mat photo = opencv_imgcodecs.imread(TestMedia.realRain().resolve("case1.jpg").toString());
             Mat small = new Mat(photo, new Rect(200, 200, 96, 64))) {
            assertTrue(opencv_imgcodecs.imwrite(image.toString(), small));
        }
        Result r = derain("run", image.toString(), "-o", out.toString(), "--model", "lite", "--precision", "bf16",
                "--device", "cpu", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.size(out) > 0);
        CpuFeatures cpu = CpuFeatures.host();
        assertEquals(cpu.known() && !cpu.fastBf16(), r.err().contains("bf16 runs far slower than fp32"), r.err());
    }

    @Test
    void missingInputIsBadInput() throws Exception {
        assertBadInput(dir.resolve("nope.mp4"), "nope.mp4", weights);
    }

    @Test
    void textFileNamedMp4IsBadInput() throws Exception {
        Path fake = dir.resolve("notes.mp4");
        Files.writeString(fake, "these are not the frames you are looking for\n");
        assertBadInput(fake, "notes.mp4", weights);
    }

    @Test
    void truncatedMp4IsBadInput() throws Exception {
        byte[] bytes = Files.readAllBytes(TestMedia.shortClip());
        Path cut = dir.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertBadInput(cut, "cut.mp4", weights);
    }

    @Test
    void weightsWithAWrongShapeAreBadInput() throws Exception {
        Path wrong = PythonFixtures.dir("tiny", "--recurrent", "4", "--widths", "8,16,32").resolve("gen_wrong_shape.pkl");
        String message = assertBadInput(TestMedia.shortClip(), "gen_wrong_shape.pkl", wrong);
        assertTrue(message.contains("conv1.0.weight"), message);
    }

    @Test
    void noWeightsForThePaperModelSaysHowToPassThem() throws Exception {
        String message = assertBadInput(TestMedia.shortClip(), "--weights", null);
        assertTrue(message.contains("no weights are installed"), message);
    }

    /** Exit code 2, one line naming {@code named}, and nothing written. Returns the line. */
    private String assertBadInput(Path input, String named, Path weightsFile) throws Exception {
        Path out = dir.resolve("result.mp4");
        Result r = weightsFile == null
                ? derain("run", input.toString(), "-o", out.toString(), "--model", "paper", "-q")
                : derain("run", input.toString(), "-o", out.toString(), "--weights", weightsFile.toString(), "-q");
        assertEquals(2, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].startsWith("derain: ") && lines[0].contains(named), lines[0]);
        assertFalse(lines[0].contains("Exception"), lines[0]);
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("result")), "no temporary output left");
        }
        return lines[0];
    }
}
