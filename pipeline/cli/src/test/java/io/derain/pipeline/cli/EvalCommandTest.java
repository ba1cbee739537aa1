package io.derain.pipeline.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.StateDict;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** derain eval and derain calibrate on a tiny pairs directory made by derain synth from two small still images. */
class EvalCommandTest {
    @TempDir static Path tmp;
    private static Path pairs;

    @BeforeAll
    static void makePairs() throws Exception {
        Path clean = Files.createDirectory(tmp.resolve("clean-stills"));
        for (int t = 0; t < 2; t++) {
            VideoFrame frame = TestMedia.gradient(96, 64, 7 * t);
            try (BytePointer data = new BytePointer(frame.pixels());
                 Mat mat = new Mat(64, 96, CV_8UC3, data, frame.stride())) {
                assertTrue(imwrite(clean.resolve("still" + t + ".png").toString(), mat));
            }
        }
        pairs = tmp.resolve("pairs");
        CliRun run = CliRun.of("synth", clean.toString(), "-o", pairs.toString(), "--density", "0.3", "-q");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void outputsEqualToCleanScorePerfectly() throws Exception {
        Path json = tmp.resolve("perfect.json");
        CliRun run = CliRun.of("eval", "--pairs", pairs.toString(), "--outputs", pairs.resolve("clean").toString(),
                "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("00000.png") && run.out().contains("mean"), run.out());
        String text = Files.readString(json);
        assertEquals(3, count(text, "\"derained\": {\"psnr\": 100.0000, \"ssim\": 1.000000}"), text);
        for (double gain : numbers(text, "gainDb")) assertTrue(gain > 0, "gain " + gain);
        for (double ssim : numbers(text, "ssim")) assertTrue(ssim > 0 && ssim <= 1, "ssim " + ssim);
        assertTrue(text.contains("\"maskIoU\": null"), "no attention map without a model");
    }

    @Test
    void modelRunScoresEveryPairWithItsAttentionMap() throws Exception {
        Path weights = randomLite("lite-random.ckpt");
        Path json = tmp.resolve("model.json");
        CliRun run = CliRun.of("eval", "--pairs", pairs.toString(), "--weights", weights.toString(),
                "--device", "cpu", "--batch", "2", "--json", json.toString(), "-q");
        assertEquals(0, run.exitCode(), run.err());
        String text = Files.readString(json);
        assertEquals(3, numbers(text, "maskIoU").size(), "an IoU for both pairs and the mean: " + text);
        for (double iou : numbers(text, "maskIoU")) assertTrue(iou >= 0 && iou <= 1, "iou " + iou);
        assertTrue(text.contains("lite"), "names the model: " + text);
    }

    /** --temporal scores the pairs as a clip in the temporal mode too: a second table and summary row, one JSON. */
    @Test
    void temporalScoresThePairsAsAClipBesidePerFrame() throws Exception {
        Path json = tmp.resolve("temporal.json");
        CliRun run = CliRun.of("eval", "--pairs", pairs.toString(), "--temporal", "--device", "cpu", "--json", json.toString(), "-q");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Pattern.compile("(?m)^derain\\s+\\d").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("(?m)^temporal\\s+\\d").matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("temporal mode"), "the second table names the mode: " + run.out());
        String text = Files.readString(json);
        assertTrue(text.contains("\"derain\"") && text.contains("\"temporal\""), text);
        CliRun refused = CliRun.of("eval", "--pairs", pairs.toString(), "--outputs", pairs.resolve("clean").toString(), "--temporal");
        assertEquals(2, refused.exitCode(), refused.err());
    }

    /** --compare scores another method's outputs beside the model: a summary row each, one JSON. */
    @Test
    void compareScoresOtherOutputsBesideTheModel() throws Exception {
        Path json = tmp.resolve("compared.json");
        CliRun run = CliRun.of("eval", "--pairs", pairs.toString(), "--weights", randomLite("lite-compare.ckpt").toString(),
                "--compare", "perfect=" + pairs.resolve("clean"), "--compare", "none=" + pairs.resolve("rainy"),
                "--device", "cpu", "--json", json.toString(), "-q");
        assertEquals(0, run.exitCode(), run.err());
        Matcher perfect = Pattern.compile("(?m)^perfect\\s+\\S+\\s+\\S+\\s+100\\.00\\s+1\\.0000").matcher(run.out());
        assertTrue(perfect.find(), run.out());
        assertTrue(Pattern.compile("(?m)^none\\s.*\\+0\\.00$").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("(?m)^derain\\s").matcher(run.out()).find(), run.out());
        String text = Files.readString(json);
        assertTrue(text.contains("\"reports\"") && text.contains("\"perfect\"") && text.contains("\"derain\""), text);
        CliRun missing = CliRun.of("eval", "--pairs", pairs.toString(), "--compare", "x=" + tmp.resolve("nowhere"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nowhere"), missing.err());
    }

    /**
     * --maps: the model's map against reference maps drawn in jet colours. The references here are the pairs'
     * own drop masks in jet (dark blue / dark red), as the last of two recurrent steps (the first is blank):
     * the reference coverage read back is the mask's.
     */
    @Test
    void mapsAreComparedWithJetColouredReferences() throws Exception {
        Path maps = tmp.resolve("maps");
        Files.createDirectories(maps.resolve("paper-map"));
        Files.createDirectories(maps.resolve("rainy"));
        List<Double> coverage = new java.util.ArrayList<>();
        for (String name : List.of("00000.png", "00001.png")) {
            Files.copy(pairs.resolve("rainy/" + name), maps.resolve("rainy/" + name));
            try (Mat mask = org.bytedeco.opencv.global.opencv_imgcodecs.imread(pairs.resolve("mask/" + name).toString(),
                    org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE);
                 Mat jet = new Mat(mask.rows(), mask.cols(), CV_8UC3);
                 Mat blank = new Mat(mask.rows(), mask.cols(), CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(128, 0, 0, 0))) {
                java.nio.ByteBuffer m = mask.data().capacity(mask.total()).asByteBuffer();
                java.nio.ByteBuffer j = jet.data().capacity(jet.total() * 3).asByteBuffer();
                int drops = 0;
                for (int i = 0; i < mask.total(); i++) {
                    boolean drop = (m.get(i) & 0xff) > 127;
                    if (drop) drops++;
                    j.put(3 * i, (byte) (drop ? 0 : 128)).put(3 * i + 1, (byte) 0).put(3 * i + 2, (byte) (drop ? 128 : 0));
                }
                coverage.add(100.0 * drops / mask.total());
                String stem = name.replace(".png", "");
                assertTrue(imwrite(maps.resolve("paper-map/" + stem + "_step1.png").toString(), blank));
                assertTrue(imwrite(maps.resolve("paper-map/" + stem + "_step2.png").toString(), jet));
            }
        }
        Path json = tmp.resolve("maps.json");
        CliRun run = CliRun.of("eval", "--maps", maps.toString(), "--weights", randomLite("lite-maps.ckpt").toString(),
                "--device", "cpu", "--json", json.toString(), "-q");
        assertEquals(0, run.exitCode(), run.err());
        Matcher first = Pattern.compile("(?m)^00000\\.png\\s+(\\d\\.\\d{3})\\s+\\S+ %\\s+(\\S+) %").matcher(run.out());
        assertTrue(first.find(), run.out());
        assertEquals(coverage.get(0), Double.parseDouble(first.group(2)), 0.051, run.out());
        double iou = Double.parseDouble(first.group(1));
        assertTrue(iou >= 0 && iou <= 1, run.out());
        assertTrue(Files.readString(json).contains("\"referenceCoverage\""));
        assertTrue(run.out().contains("drop sizes: reference: "), run.out());

        Files.delete(maps.resolve("paper-map/00001_step1.png"));
        Files.delete(maps.resolve("paper-map/00001_step2.png"));
        CliRun missing = CliRun.of("eval", "--maps", maps.toString(), "-q");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("00001"), missing.err());
    }

    /** --flicker: the same video per frame and temporal in one run, both figures and their change. */
    @Test
    void flickerComparesPerFrameAndTemporalOutputs() throws Exception {
        Path json = tmp.resolve("flicker.json");
        CliRun run = CliRun.of("eval", "--flicker", TestMedia.windshieldVideo().toString(), "--frames", "6",
                "--weights", randomLite("lite-flicker.ckpt").toString(), "--device", "cpu", "--json", json.toString(), "-q");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("over 5 frame pairs"), run.out());
        // flicker, share measured, still structure removed, moving detail kept (NaN where the scene never moved)
        String shares = "\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d%\\s+(-?\\d+\\.\\d|NaN)%\\s+(\\d+\\.\\d|NaN)%";
        assertTrue(Pattern.compile("(?m)^input" + shares + "$").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("(?m)^per frame" + shares + "$").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("(?m)^temporal" + shares + "\\s+\\(flicker [+-]").matcher(run.out()).find(), run.out());
        assertTrue(Files.readString(json).contains("\"perFrame\"") && Files.readString(json).contains("\"stillRemovedTemporal\""));
        CliRun missing = CliRun.of("eval", "--flicker", tmp.resolve("none.mp4").toString(), "-q");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("none.mp4"), missing.err());
    }

    @Test
    void badInputExitsWith2() throws Exception {
        CliRun missing = CliRun.of("eval", "--pairs", tmp.resolve("nowhere").toString(), "--outputs", tmp.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nowhere"), missing.err());

        Path existing = Files.writeString(tmp.resolve("existing.json"), "{}");
        CliRun refused = CliRun.of("eval", "--pairs", pairs.toString(), "--outputs", pairs.resolve("clean").toString(),
                "--json", existing.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("{}", Files.readString(existing));

        CliRun noOutputs = CliRun.of("eval", "--pairs", pairs.toString(), "--outputs", tmp.resolve("clean-stills").toString());
        assertEquals(2, noOutputs.exitCode(), "outputs named differently from the pairs");
        assertTrue(noOutputs.err().contains("00000.png"), noOutputs.err());
        assertFalse(noOutputs.err().strip().contains("\n"), noOutputs.err());
    }

    /**
     * Calibration picks the grid threshold with the best mean IoU, stores it with the weights, and eval
     * then scores the IoU there: the same figure as calibrate's table.
     */
    @Test
    void calibratedThresholdIsStoredAndUsedByEval() throws Exception {
        // The bundled model, not random weights: its map finds drops, so the IoU differs between thresholds.
        Path calibrated = tmp.resolve("calibrated.ckpt");
        CliRun run = CliRun.of("calibrate", "--pairs", pairs.toString(), "--model", "lite",
                "-o", calibrated.toString(), "--device", "cpu", "-q");
        assertEquals(0, run.exitCode(), run.err());
        Matcher chosen = Pattern.compile("(\\d\\.\\d\\d)\\s+(\\d\\.\\d{4})  <- drop threshold").matcher(run.out());
        assertTrue(chosen.find(), run.out());
        double threshold = Double.parseDouble(chosen.group(1));
        double iou = Double.parseDouble(chosen.group(2));
        Matcher rows = Pattern.compile("(?m)^\\s+\\d\\.\\d\\d\\s+(\\d\\.\\d{4})").matcher(run.out());
        int count = 0;
        while (rows.find()) {
            count++;
            assertTrue(Double.parseDouble(rows.group(1)) <= iou, "the chosen threshold has the best IoU: " + run.out());
        }
        assertEquals(19, count, run.out());
        assertTrue(iou > 0, "the bundled model's map overlaps the drops: " + run.out());
        try (StateDict state = StateDict.read(calibrated)) {
            assertEquals(String.format(Locale.ROOT, "%.2f", threshold), state.metadata().get("attention.dropThreshold"));
            assertEquals("lite", state.metadata().get("model.name"), "the architecture travels with the weights");
            assertTrue(state.metadata().containsKey("gate.enabled"), "the gate it ran with travels too");
        }

        Path json = tmp.resolve("calibrated.json");
        CliRun eval = CliRun.of("eval", "--pairs", pairs.toString(), "--weights", calibrated.toString(),
                "--device", "cpu", "--json", json.toString(), "-q");
        assertEquals(0, eval.exitCode(), eval.err());
        String text = Files.readString(json);
        assertEquals(threshold, numbers(text, "maskThreshold").get(0), 1e-9, text);
        assertEquals(iou, numbers(text, "maskIoU").get(0), 1e-4, "mean IoU as calibrated: " + text);
    }

    @Test
    void calibrationNeedsMasksAndWritesNothingWithout() throws Exception {
        Path noMasks = tmp.resolve("no-masks");
        for (String sub : new String[] {"rainy", "clean"}) {
            Files.createDirectories(noMasks.resolve(sub));
            Files.copy(pairs.resolve(sub).resolve("00000.png"), noMasks.resolve(sub).resolve("00000.png"));
        }
        Path out = tmp.resolve("never.ckpt");
        CliRun run = CliRun.of("calibrate", "--pairs", noMasks.toString(), "--weights", randomLite("for-masks.ckpt").toString(),
                "-o", out.toString(), "--device", "cpu", "-q");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("no-masks") && run.err().contains("mask"), run.err());
        assertFalse(run.err().strip().contains("\n"), "one line: " + run.err());
        assertFalse(Files.exists(out));
    }

    /** A lite generator with seeded random weights: enough to exercise the commands' mechanics. */
    private static Path randomLite(String name) {
        Path weights = tmp.resolve(name);
        torch.manual_seed(3);
        try (AttentiveGenerator generator = new AttentiveGenerator(GeneratorConfig.LITE);
             StateDict state = StateDict.of(generator, "test fixture")) {
            state.metadata().putAll(GeneratorConfig.LITE.toMetadata());
            state.write(weights);
        }
        return weights;
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static List<Double> numbers(String json, String key) {
        List<Double> values = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.]+)").matcher(json);
        while (m.find()) values.add(Double.parseDouble(m.group(1)));
        return values;
    }
}
