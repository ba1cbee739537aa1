package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.ForwardProfile;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.CpuFeatures;
import io.derain.operators.derain.Precision;
import io.derain.pipeline.benchmark.ReportJson;
import io.derain.pipeline.metrics.ProcessMemory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code derain bench-model}: the attentive generator alone on one frame on the CPU (at the CPU's native precision
 * unless told), optionally side by side with the same weights and frame in PyTorch eager mode ({@link EagerReference})
 * and in ONNX Runtime ({@link OnnxRuntimePeer}), and where its time goes.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true,
        description = {"Times the attentive generator alone on one frame (CPU; --precision auto by default): seconds per frame and peak RSS; "
                + "with --eager also the same weights and frame in PyTorch eager mode (Debian's python3-torch), in a child "
                + "process, with the rate ratio and how far the two outputs differ.",
                "The frame is seeded noise: convolution speed does not depend on the pixels."})
final class ModelBenchCommand implements Callable<Integer> {
    private static final long EAGER_TIMEOUT_SECONDS = 3600;

    @Option(names = "--model", paramLabel = "lite|paper", defaultValue = "lite",
            description = "Architecture: its bundled weights, or random ones with --random-init (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Weights to time instead (architecture from the file).")
    Path weights;

    @Option(names = "--random-init", description = "PyTorch's default initialisation, seeded: timing needs no trained weights.")
    boolean randomInit;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x360",
            description = "Frame size, multiples of 4 (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "3",
            description = "Timed passes after one warm-up pass, on each side (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Intra-op threads on both sides (default: one per core).")
    int threads;

    @Option(names = "--eager", description = "Also time PyTorch eager on the same weights and frame.")
    boolean eager;

    @Option(names = "--peer", paramLabel = "onnxruntime",
            description = "Also time the same weights and frame in ONNX Runtime (fp32; exported by the reference definition, "
                    + "run in a JVM of its own from the derain-peers module), with the rate ratio and how far the outputs differ.")
    String peer;

    @Option(names = "--precision", paramLabel = "auto|fp32|bf16|int8", defaultValue = "auto",
            description = "derain's arithmetic (default: ${DEFAULT-VALUE}, the CPU's native one: bf16 with AVX-512 BF16 or AMX, "
                    + "int8 where the CPU also has VNNI, else fp32). The peers run fp32.")
    String precision;

    @Option(names = "--profile", description = "Also one profiled pass: time per recurrent step and per autoencoder scale.")
    boolean profile;

    @Option(names = "--json", description = "One JSON object on stdout instead of the text report.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FrameSizeOption frameSize = FrameSizeOption.parse("--size", size, 4);
        int width = frameSize.width(), height = frameSize.height();
        if (frames < 1) throw new SettingsException("--frames must be at least 1");
        if (threads < 0) throw new SettingsException("--threads must not be negative");
        if (peer != null && !peer.equals("onnxruntime")) throw new SettingsException("--peer: expected onnxruntime, got '" + peer + "'");
        Precision asked = Precision.parse(precision);
        if (asked == Precision.FP16) throw new SettingsException("--precision fp16 needs CUDA; bench-model times the CPU");
        CpuFeatures cpu = CpuFeatures.host();
        if (threads > 0) ComputeDevice.setProcessCpuThreads(threads);
        ComputeDevice.select(ComputeDevice.Kind.CPU);
        int threadCount = torch.get_num_threads();
        byte[] frame = new byte[width * height * 3];
        new Random(7).nextBytes(frame);
        Map<String, Object> r = new LinkedHashMap<>();
        try (GeneratorModel net = open()) {
            Precision arithmetic = asked.resolve(false, cpu, net.int8Helps());
            r.put("model", net.describe());
            r.put("cpu", CpuFeatures.host().describe());
            r.put("threads", threadCount);
            r.put("width", width);
            r.put("height", height);
            r.put("frames", frames);
            r.put("allocator", ProcessMemory.allocator());
            r.put("precision", arithmetic.name().toLowerCase(Locale.ROOT)
                    + (asked == Precision.AUTO ? " (" + Precision.reason(false, cpu, net.int8Helps()) + ")" : ""));
            EagerReference.Result eagerRun = null;
            if (eager) {
                Path dir = Files.createTempDirectory("derain-bench-model");
                try {
                    eagerRun = EagerReference.run(net.generator(), frame, width, height, threadCount, frames, dir,
                            EAGER_TIMEOUT_SECONDS);
                } finally {
                    TempDirectory.delete(dir);
                }
            }
            OnnxRuntimePeer.Result ortRun = null;
            if (peer != null) {
                Path dir = Files.createTempDirectory("derain-bench-peer");
                try {
                    ortRun = OnnxRuntimePeer.run(net.generator(), frame, width, height, threadCount, frames, dir, EAGER_TIMEOUT_SECONDS);
                } finally {
                    TempDirectory.delete(dir);
                }
            }
            arithmetic.applyTo(net, new Device(torch.DeviceType.CPU), false, cpu);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                Tensor x = input(frame, width, height).to(arithmetic.scalarType());
                net.restore(x); // warm-up: oneDNN primitives, allocator pools
                long start = System.nanoTime();
                float[] image = null;
                for (int i = 0; i < frames; i++) {
                    try (PointerScope pass = new PointerScope()) {
                        Tensor out = net.restore(x).image();
                        if (i == frames - 1 && (eagerRun != null || ortRun != null)) image = floats(out.to(torch.ScalarType.Float));
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9 / frames;
                r.put("derain_seconds_per_frame", seconds);
                r.put("derain_peak_rss_bytes", ProcessMemory.peakRssBytes());
                if (eagerRun != null) {
                    r.put("eager_torch", eagerRun.torchVersion());
                    r.put("eager_seconds_per_frame", eagerRun.secondsPerFrame());
                    r.put("eager_peak_rss_bytes", eagerRun.peakRssBytes());
                    r.put("derain_rate_over_eager", eagerRun.secondsPerFrame() / seconds);
                    r.put("max_abs_difference", maxAbsDifference(image, eagerRun.image()));
                }
                if (ortRun != null) {
                    r.put("onnxruntime", ortRun.version());
                    r.put("onnxruntime_seconds_per_frame", ortRun.secondsPerFrame());
                    r.put("onnxruntime_peak_rss_bytes", ortRun.peakRssBytes());
                    r.put("derain_rate_over_onnxruntime", ortRun.secondsPerFrame() / seconds);
                    r.put("onnxruntime_max_abs_difference", maxAbsDifference(image, ortRun.image()));
                    r.put("onnxruntime_psnr_db", psnr(image, ortRun.image()));
                }
                if (profile) {
                    ForwardProfile p = new ForwardProfile();
                    try (PointerScope pass = new PointerScope()) {
                        net.generator().forward(x.contiguous(torch.MemoryFormat.ChannelsLast), p);
                    }
                    r.put("profile_seconds", p.seconds());
                }
            }
        }
        print(r);
        return 0;
    }

    private GeneratorModel open() {
        if (weights != null && randomInit) throw new SettingsException("--weights and --random-init exclude each other");
        if (weights != null) return ModelCatalog.fromWeights(weights, weights.toString());
        GeneratorConfig config;
        try {
            config = GeneratorConfig.named(model);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("--model: " + e.getMessage());
        }
        if (randomInit) {
            torch.manual_seed(1);
            return new GeneratorModel(new AttentiveGenerator(config), "random weights (PyTorch's default init, seed 1)");
        }
        if (!ModelCatalog.hasBundled(config.name())) {
            throw new SettingsException("--model " + model + ": no bundled weights; pass --weights FILE or --random-init");
        }
        return ModelCatalog.bundled(config.name());
    }

    /** The frame as the model takes it: 1×3×H×W BGR floats in [0, 1]. */
    private static Tensor input(byte[] frame, int width, int height) {
        BytePointer bytes = new BytePointer(frame);
        Tensor hwc = torch.from_blob(bytes, new long[] {height, width, 3}, new TensorOptions(torch.ScalarType.Byte));
        return hwc.permute(2, 0, 1).unsqueeze(0).to(torch.ScalarType.Float).div(new Scalar(255.0)).contiguous();
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] v = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr_float()).get(v);
        return v;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) return Double.NaN;
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** PSNR of {@code a} against {@code b}, values in [0, 1]. */
    private static double psnr(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) return Double.NaN;
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.min(1, Math.max(0, a[i])) - Math.min(1, Math.max(0, b[i]));
            se += d * d;
        }
        return se == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(a.length / se);
    }

    private void print(Map<String, Object> r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ReportJson.write(r));
            out.flush();
            return;
        }
        out.printf("derain bench-model: %s, %dx%d, %s, %d threads, %d frames after a warm-up, on %s, %s%n", r.get("model"),
                r.get("width"), r.get("height"), r.get("precision"), r.get("threads"), r.get("frames"), r.get("cpu"), r.get("allocator"));
        double ds = (Double) r.get("derain_seconds_per_frame");
        out.printf("  derain          %8.3f s/frame  %7.3f fps  peak RSS %6.2f GiB%n", ds, 1 / ds,
                gib(r.get("derain_peak_rss_bytes")));
        if (r.containsKey("eager_seconds_per_frame")) {
            double es = (Double) r.get("eager_seconds_per_frame");
            out.printf("  pytorch eager   %8.3f s/frame  %7.3f fps  peak RSS %6.2f GiB  (torch %s, %s)%n", es, 1 / es,
                    gib(r.get("eager_peak_rss_bytes")), r.get("eager_torch"), EagerReference.PYTHON);
            out.printf("  derain / eager  %.2fx the rate; outputs differ by at most %.1e%n",
                    (Double) r.get("derain_rate_over_eager"), (Double) r.get("max_abs_difference"));
        }
        if (r.containsKey("onnxruntime_seconds_per_frame")) {
            double os = (Double) r.get("onnxruntime_seconds_per_frame");
            out.printf("  onnxruntime     %8.3f s/frame  %7.3f fps  peak RSS %6.2f GiB  (ONNX Runtime %s, Java API, fp32)%n", os, 1 / os,
                    gib(r.get("onnxruntime_peak_rss_bytes")), r.get("onnxruntime"));
            out.printf("  derain / onnxruntime  %.2fx the rate; outputs differ by at most %.1e (PSNR %.1f dB)%n",
                    (Double) r.get("derain_rate_over_onnxruntime"), (Double) r.get("onnxruntime_max_abs_difference"),
                    (Double) r.get("onnxruntime_psnr_db"));
        }
        if (r.get("profile_seconds") instanceof Map<?, ?> parts) {
            double total = parts.values().stream().mapToDouble(v -> (Double) v).sum();
            out.printf("  one profiled pass: %.3f s%n", total);
            parts.forEach((part, s) -> out.printf("    %-18s %7.3f s  %5.1f%%%n", part, (Double) s, 100 * (Double) s / total));
        }
        out.flush();
    }

    private static double gib(Object bytes) {
        return ((Number) bytes).doubleValue() / (1L << 30);
    }
}
