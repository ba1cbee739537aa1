package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code derain bench-model} and {@code derain device-check} on small frames: every figure is there, the PyTorch
 * eager run computes what derain computes, and bad sizes are bad input.
 */
class ModelBenchCommandTest {

    /** The bundled (trained) weights, so that the two outputs carry information worth comparing. */
    @Test
    void eagerRunOnTheSameWeightsAndFrameAgreesWithDerain() {
        CliRun run = CliRun.of("bench-model", "--model", "lite", "--size", "96x64", "--frames", "1", "--threads", "2",
                "--eager", "--profile", "--json", "--precision", "fp32");
        assertEquals(0, run.exitCode(), run.err());
        String json = run.out().strip();
        for (String key : new String[] {"derain_seconds_per_frame", "derain_peak_rss_bytes", "eager_seconds_per_frame",
                "eager_peak_rss_bytes", "derain_rate_over_eager"}) {
            assertTrue(number(json, key) > 0, key + " in " + json);
        }
        assertTrue(number(json, "max_abs_difference") < 1e-4, "derain and PyTorch eager disagree: " + json);
        assertEquals(2, (int) number(json, "threads"));
        for (String part : new String[] {"recurrent step 1", "recurrent step 3", "autoencoder 1/1", "autoencoder 1/2",
                "autoencoder 1/4"}) {
            assertTrue(json.contains("\"" + part + "\":"), part + " in the profile: " + json);
        }
    }

    /**
     * ONNX Runtime on the same weights (exported by the reference definition) and frame, in a JVM of its own: fp32 on
     * both sides computes the same image; at the default precision the banner says what auto chose.
     */
    @Test
    void onnxRuntimeOnTheSameWeightsAndFrameAgreesWithDerain() {
        CliRun run = CliRun.of("bench-model", "--model", "lite", "--size", "96x64", "--frames", "1", "--threads", "2",
                "--peer", "onnxruntime", "--precision", "fp32", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String json = run.out().strip();
        for (String key : new String[] {"onnxruntime_seconds_per_frame", "onnxruntime_peak_rss_bytes", "derain_rate_over_onnxruntime"}) {
            assertTrue(number(json, key) > 0, key + " in " + json);
        }
        assertTrue(number(json, "onnxruntime_max_abs_difference") < 1e-3, "derain and ONNX Runtime disagree: " + json);
        assertTrue(json.contains("\"onnxruntime\":\"1.23"), json);
        CliRun auto = CliRun.of("bench-model", "--size", "96x64", "--frames", "1", "--peer", "onnxruntime");
        assertEquals(0, auto.exitCode(), auto.err());
        assertTrue(auto.out().contains("(auto: ") && auto.out().contains("derain / onnxruntime"), auto.out());
        assertTrue(Pattern.compile("PSNR (\\d+)\\.").matcher(auto.out()).results().allMatch(m -> Integer.parseInt(m.group(1)) >= 40),
                "the default precision's output is within 40 dB of fp32's: " + auto.out());
        assertEquals(2, CliRun.of("bench-model", "--peer", "tensorrt").exitCode());
    }

    @Test
    void randomWeightsAreOnlyUsedWhenAskedFor() {
        CliRun run = CliRun.of("bench-model", "--model", "paper", "--size", "64x48", "--frames", "1");
        assertEquals(2, run.exitCode(), "no bundled paper weights: " + run.err());
        assertTrue(run.err().contains("--random-init"), run.err());
        CliRun random = CliRun.of("bench-model", "--model", "paper", "--random-init", "--size", "64x48", "--frames", "1");
        assertEquals(0, random.exitCode(), random.err());
        assertTrue(random.out().contains("random weights"), random.out());
    }

    @Test
    void aSizeThatIsNotAMultipleOfFourIsBadInput() {
        CliRun run = CliRun.of("bench-model", "--size", "98x64");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--size") && run.err().contains("98x64"), run.err());
    }

    /** The steps .ci/gpu-check runs on a GPU, here on the CPU: parity of a batch against a single frame, the ring. */
    @Test
    void deviceCheckRunsOnTheCpu() {
        CliRun run = CliRun.of("device-check", "--device", "cpu", "--size", "64x48", "--parity-size", "64x48",
                "--batches", "1,3", "--frames", "3");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("parity fp32") && run.out().contains("batch 3:") && run.out().contains("device-check: ok"),
                run.out());
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
