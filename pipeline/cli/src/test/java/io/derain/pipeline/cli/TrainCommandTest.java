package io.derain.pipeline.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.weights.StateDict;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU training path end to end on the CPU: {@code derain train --export-samples} writes the crops
 * training draws, {@code train_gpu.py} (Debian's python3 with python3-torch and python3-pil, as CI installs
 * them) trains on them and writes a derain checkpoint, and the Java network runs what the Python one runs.
 */
class TrainCommandTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPTS = TestMedia.repoRoot().resolve("models/src/main/python");
    static final Path LITE_WET = TestMedia.repoRoot().resolve("models/src/main/resources/io/derain/models/bundled/lite-wet.ckpt");

    @TempDir Path tmp;

    @Test
    void exportedSamplesAreTheCropsTrainingDraws() throws Exception {
        Path samples = export(3, 64);
        for (String folder : List.of("rainy", "clean", "mask")) {
            try (var files = Files.list(samples.resolve(folder))) {
                assertEquals(3, files.count(), folder);
            }
        }
        long dropPixels = 0;
        double insideDiff = 0, outsideDiff = 0;
        long outside = 0;
        for (int i = 0; i < 3; i++) {
            String name = String.format("%06d", i);
            try (Mat rainy = imread(samples.resolve("rainy/" + name + ".jpg").toString());
                 Mat clean = imread(samples.resolve("clean/" + name + ".jpg").toString());
                 Mat mask = imread(samples.resolve("mask/" + name + ".png").toString(), IMREAD_UNCHANGED);
                 UByteIndexer r = rainy.createIndexer(); UByteIndexer c = clean.createIndexer(); UByteIndexer m = mask.createIndexer()) {
                assertEquals(64, rainy.cols());
                assertEquals(64, mask.rows());
                assertEquals(1, mask.channels(), "the mask is one channel");
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        int v = m.get(y, x);
                        assertTrue(v == 0 || v == 255, "mask values are 0 or 255, not " + v);
                        double d = 0;
                        for (int ch = 0; ch < 3; ch++) d += Math.abs(r.get(y, x, ch) - c.get(y, x, ch));
                        if (v == 255) {
                            dropPixels++;
                            insideDiff += d;
                        } else {
                            outside++;
                            outsideDiff += d;
                        }
                    }
                }
            }
        }
        assertTrue(dropPixels > 0, "the samples have drops");
        assertTrue(insideDiff / dropPixels > 3 * outsideDiff / outside,
                "rain changes the pixels the mask marks: " + insideDiff / dropPixels + " vs " + outsideDiff / outside);
        assertEquals(2, CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("x").toString(),
                "--export-samples", "1", "--crop", "62").exitCode(), "a crop that is no multiple of 4 is bad input");
        assertEquals(2, CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("x").toString(),
                "--export-samples", "1", "--drop-scale", "0").exitCode(), "drops scaled to nothing are bad input");
        assertEquals(2, CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("x").toString(),
                "--export-samples", "1", "--veil", "0.3", "--veil-lift", "1.5").exitCode(), "an airlight beyond white is bad input");
        assertEquals(2, CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("x").toString(),
                "--export-samples", "1", "--drop-weight", "-1").exitCode(), "a negative drop weight is bad input");
    }

    @Test
    void opticalDropsAreDrawnWhenAskedAndBadRenderersAreRefusedBeforeDecoding() throws Exception {
        Path heuristic = tmp.resolve("heuristic"), optical = tmp.resolve("optical"), plate = tmp.resolve("plate");
        for (Path dir : List.of(heuristic, optical, plate)) {
            CliRun run = CliRun.of("train", TestMedia.shortClip().toString(), "-o", dir.toString(), "--export-samples", "2",
                    "--crop", "64", "--heights", "360", "--every-nth", "30", "--seed", "4",
                    "--drops", dir == heuristic ? "heuristic" : "optical", "--glass", dir == plate ? "plate" : "windshield");
            assertEquals(0, run.exitCode(), run.err());
        }
        // The glass is drawn per sample from the asked kind: plate and windshield drops differ on the same draw.
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(plate.resolve("rainy/000000.jpg")),
                Files.readAllBytes(optical.resolve("rainy/000000.jpg"))));
        // The same draw but for the drops: the clean crops agree, the rainy ones do not.
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(heuristic.resolve("clean/000000.jpg")),
                Files.readAllBytes(optical.resolve("clean/000000.jpg"))));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(heuristic.resolve("rainy/000000.jpg")),
                Files.readAllBytes(optical.resolve("rainy/000000.jpg"))));
        CliRun bad = CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("bad").toString(),
                "--export-samples", "1", "--drops", "cubist");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--drops") && bad.err().contains("cubist") && bad.err().strip().lines().count() == 1, bad.err());
        CliRun badGlass = CliRun.of("train", TestMedia.shortClip().toString(), "-o", tmp.resolve("bad").toString(),
                "--export-samples", "1", "--drops", "optical", "--glass", "stained");
        assertEquals(2, badGlass.exitCode());
        assertTrue(badGlass.err().contains("--glass") && badGlass.err().contains("stained")
                && badGlass.err().strip().lines().count() == 1, badGlass.err());
    }

    @Test
    void theGpuTrainersCheckpointRunsInJava() throws Exception {
        Path samples = export(2, 64);
        Path prefix = tmp.resolve("gpu");
        python("-u", SCRIPTS.resolve("train_gpu.py").toString(), "--samples", samples.toString(), "--model",
                "8,2,3,16,32,64", "--name", "lite", "--residual", "--minutes", "0.02", "--batch", "1", "--crop",
                "32", "--snapshots", "1.0", "-o", prefix.toString());
        Path checkpoint = prefix.resolveSibling("gpu-100.ckpt");
        try (StateDict weights = StateDict.read(checkpoint)) {
            assertEquals("true", weights.metadata().get("model.residual"));
            assertEquals("16,32,64", weights.metadata().get("model.widths"));
            assertEquals("3", weights.metadata().get("model.steps"));
        }
        CliRun eval = CliRun.of("eval", "--pairs", samples.toString(), "--weights", checkpoint.toString(), "-q");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("whole network output"), "a residual checkpoint runs ungated: " + eval.out());
    }

    /** The bundled residual weights, run by the Python reference and by derain, agree to rounding. */
    @Test
    void javaRunsWhatTheReferenceRuns() throws Exception {
        Path photo = TestMedia.shared().resolve("data/real-pairs/rainy/5.png");
        Path reference = tmp.resolve("reference.png"), derained = tmp.resolve("derained.png");
        python("-c", String.join("\n",
                "import sys; sys.path.insert(0, sys.argv[1])",
                "import numpy as np, torch, train_gpu",
                "from PIL import Image",
                "_, model = train_gpu.model_from_checkpoint(sys.argv[2])",
                "image = np.asarray(Image.open(sys.argv[3]).convert('RGB'))[:, :, ::-1].astype(np.float32) / 255",
                "with torch.no_grad():",
                "    out = model.eval()(torch.from_numpy(image.copy()).permute(2, 0, 1)[None])[3][0].clamp(0, 1)",
                "rgb = (out.permute(1, 2, 0).numpy()[:, :, ::-1] * 255).round().astype(np.uint8)",
                "Image.fromarray(np.ascontiguousarray(rgb)).save(sys.argv[4])"),
                SCRIPTS.toString(), LITE_WET.toString(), photo.toString(), reference.toString());
        CliRun run = CliRun.of("run", photo.toString(), "-o", derained.toString(), "--model", "lite-wet", "-q");
        assertEquals(0, run.exitCode(), run.err());
        double psnr = TestMedia.lumaPsnr(reference, derained).get(0);
        assertTrue(psnr > 45, "derain and the reference differ: " + psnr + " dB apart");
    }

    private Path export(int count, int crop) {
        Path samples = tmp.resolve("samples");
        CliRun export = CliRun.of("train", TestMedia.shortClip().toString(), "-o", samples.toString(), "--export-samples",
                Integer.toString(count), "--crop", Integer.toString(crop), "--heights", "360", "--every-nth", "30",
                "--veil", "0.3", "--streaks", "0.1", "--seed", "4");
        assertEquals(0, export.exitCode(), export.err());
        return samples;
    }

    private static void python(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        if (!done) p.destroyForcibly();
        assertTrue(done, "python did not finish in 120 s: " + out);
        assertEquals(0, p.exitValue(), "python3 with python3-torch and python3-pil (CI installs them) failed: " + out);
    }
}
