package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.restore.ModelCatalog;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality the README documents for the bundled lite model, measured the way the README measures it:
 * {@code derain eval --model lite} and {@code derain run --model lite}, on data the model never trained on.
 * The floors sit a little under the README's figures, so that a regression anywhere between decoding and
 * the weights (channel order, value range, the gate, a damaged weights file) fails here. (lite was the default
 * until lite-wet, trained with dry frames too, beat it on real drops and on clear video: WetModelQualityTest.)
 */
class LiteModelQualityTest {
    /** Held-out PSNR gain of the bundled model on these 5 of the README's 50 frames (all 50: +7.68 dB). */
    static final double HELD_OUT_GAIN_DB = 7.80;
    /** Held-out attention IoU at the calibrated 0.25 on these 5 frames (all 50: 0.531). */
    static final double HELD_OUT_IOU = 0.534;
    /** Real photos: mean PSNR gain towards the released model's outputs (README). */
    static final double REAL_GAIN_DB = 1.87;
    @TempDir static Path tmp;
    /** The README's held-out set, every tenth pair: the last 2 s of solidWhiteRight.mp4 rained on with seed 11. */
    private static Path heldOut;
    /** derain eval's JSON report of the lite model, whole frames, on {@link #heldOut}. */
    private static String heldOutReport;

    @BeforeAll
    static void heldOutPairs() throws Exception {
        assertTrue(ModelCatalog.hasBundled("lite"), "the lite model's weights ship with the build");
        heldOut = tmp.resolve("heldout");
        CliRun synth = CliRun.of("synth", TestMedia.audioClip().toString(), "-o", heldOut.toString(),
                "--last", "2", "--seed", "11", "--veil", "0", "-q"); // the set these weights were judged on
        assertEquals(0, synth.exitCode(), synth.err());
        assertEquals(5, keepEveryTenth(heldOut), "50 held-out frames, every tenth kept");
        heldOutReport = evaluate(heldOut, "heldout.json");
    }

    /** Training leaves these frames out; the gain and IoU are the README's, within a small margin. */
    @Test
    void derainsHeldOutDashcamFrames() throws Exception {
        String json = heldOutReport;
        double gain = first(json, "gainDb"), iou = first(json, "maskIoU");
        assertTrue(gain >= HELD_OUT_GAIN_DB - 0.5, "mean luminance PSNR gain " + gain + " dB on held-out frames: " + json);
        assertTrue(iou >= HELD_OUT_IOU - 0.03, "mean attention IoU " + iou + " on held-out frames: " + json);
        assertTrue(gain >= 6.0, "the issue's target: +6 dB held out: " + gain + " dB: " + json);
        assertTrue(iou >= 0.5, "the issue's target: attention IoU >= 0.5 at the calibrated threshold: " + json);
        assertEquals(0.25, first(json, "maskThreshold"), 1e-9, "the bundled weights carry their calibrated threshold");
    }

    /** Full-resolution inference in overlapping tiles scores within 1 dB of whole-frame inference. */
    @Test
    void tilesScoreLikeWholeFrames() throws Exception {
        double whole = derainedPsnr(heldOutReport);
        double tiled = derainedPsnr(evaluate(heldOut, "tiled.json", "--tile", "256"));
        assertTrue(Math.abs(whole - tiled) < 1.0, "PSNR whole frames " + whole + " dB, tiles of 256 " + tiled + " dB");
    }

    /** The paper's real raindrop photos, scored against what the released model made of them. */
    @Test
    void realPhotosMoveTowardsThePapersOutput() throws Exception {
        Path pairs = TestMedia.realPhotosWithReleasedOutputs(tmp.resolve("real"));
        double gain = first(evaluate(pairs, "real.json"), "gainDb");
        assertTrue(gain >= REAL_GAIN_DB - 0.3, "mean PSNR gain towards the released model's output: " + gain + " dB");
        assertTrue(gain >= 1.0, "the issue's target: +1 dB towards the released model's output: " + gain + " dB");
    }

    /**
     * HD in work-resolution mode: the model runs at 640x360, its correction is applied to the 1280x720 frames,
     * so the clean clip comes out at full size with its fine detail kept (a 2x upscale loses over a third).
     */
    @Test
    void workResolutionKeepsHdSizeAndDetail() throws Exception {
        Path input = TestMedia.shortClip(), output = tmp.resolve("hd.mp4");
        CliRun run = CliRun.of("run", input.toString(), "-o", output.toString(), "--work-size", "640x360", "--model", "lite", "-q");
        assertEquals(0, run.exitCode(), run.err());
        TestMedia.Probe in = TestMedia.probe(input), out = TestMedia.probe(output);
        assertEquals(1280, out.width());
        assertEquals(720, out.height());
        assertEquals(in.frames(), out.frames());
        // A plain 2x downscale (area) and bilinear upscale of this clip keeps 0.63 of it (measured with the
        // ffmpeg CLI); this mode keeps 0.86, the rest going to the gated correction and the H.264 re-encode.
        double kept = TestMedia.meanDetail(output) / TestMedia.meanDetail(input);
        assertTrue(kept > 0.8, "fine detail kept: " + kept + " of the input's");
    }

    private static String evaluate(Path pairs, String report, String... options) throws Exception {
        Path json = tmp.resolve(report);
        List<String> args = new ArrayList<>(List.of("eval", "--pairs", pairs.toString(), "--model", "lite", "--device", "cpu",
                "--json", json.toString(), "-q"));
        args.addAll(List.of(options));
        CliRun eval = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, eval.exitCode(), eval.err());
        return Files.readString(json);
    }

    /** Deletes all but pairs 0, 10, 20, ... from every folder of {@code pairs}; returns how many remain. */
    private static int keepEveryTenth(Path pairs) throws Exception {
        for (String folder : List.of("rainy", "clean", "mask")) {
            try (Stream<Path> files = Files.list(pairs.resolve(folder))) {
                for (Path file : files.toList()) {
                    int index = Integer.parseInt(file.getFileName().toString().replace(".png", ""));
                    if (index % 10 != 0) Files.delete(file);
                }
            }
        }
        try (Stream<Path> files = Files.list(pairs.resolve("rainy"))) {
            return (int) files.count();
        }
    }

    /** The mean PSNR of the derained images: the second "psnr" of the report's mean row (after the input's). */
    private static double derainedPsnr(String json) {
        Matcher m = Pattern.compile("\"psnr\": (-?[0-9.]+)").matcher(json);
        assertTrue(m.find() && m.find(), "psnr missing from " + json);
        return Double.parseDouble(m.group(1));
    }

    /** The first value of {@code key} in an eval report: the mean row, which comes before the images. */
    private static double first(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing from " + json);
        return Double.parseDouble(m.group(1));
    }
}
