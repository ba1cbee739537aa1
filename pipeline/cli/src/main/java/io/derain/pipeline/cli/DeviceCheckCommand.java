package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.ModelCatalog;
import io.derain.models.restore.RestorationModel;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
import io.derain.operators.derain.Precision;
import io.derain.operators.frame.VideoFrame;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code derain device-check}: what {@code .ci/gpu-check} runs. The bundled model on the device against the
 * CPU (fp32 within 1e-3, fp16 within 1e-2, image and attention map), then the derain operator's ring of
 * batches (submit ahead, complete behind: pinned host buffers and CUDA streams on a GPU) at each batch size,
 * with its frame rate. On the CPU the same code runs, the reference then being batch 1 against batch N.
 */
@Command(name = "device-check", mixinStandardHelpOptions = true,
        description = {"Checks an inference device: the bundled model's outputs on it against the CPU (fp32 within 1e-3, "
                + "fp16 within 1e-2), then the operator's ring of in-flight batches at each --batches size, with fps.",
                "Exit code 1 when a parity bound is exceeded. .ci/gpu-check runs it (--device cpu where no GPU is)."})
final class DeviceCheckCommand implements Callable<Integer> {
    private static final double FP32_BOUND = 1e-3;
    private static final double FP16_BOUND = 1e-2;

    @Option(names = "--device", paramLabel = "cuda|cpu", defaultValue = "cuda",
            description = "The device to check (default: ${DEFAULT-VALUE}; cpu runs the same steps without a GPU).")
    String device;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "1280x720",
            description = "Frame size for the ring (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--parity-size", paramLabel = "WxH", defaultValue = "320x192",
            description = "Frame size for the parity check (default: ${DEFAULT-VALUE}).")
    String paritySize;

    @Option(names = "--batches", paramLabel = "N,N,...", split = ",", defaultValue = "1,4,8",
            description = "Batch sizes for the ring (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "32",
            description = "Frames per batch size, after a warm-up batch (default: ${DEFAULT-VALUE}).")
    int frames;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ComputeDevice.Kind kind = switch (device) {
            case "cuda" -> ComputeDevice.Kind.CUDA;
            case "cpu" -> ComputeDevice.Kind.CPU;
            default -> throw new SettingsException("--device: expected cuda or cpu, got '" + device + "'");
        };
        if (frames < 1) throw new SettingsException("--frames must be at least 1");
        ComputeDevice target = ComputeDevice.select(kind);
        if (kind == ComputeDevice.Kind.CUDA && !target.isCuda()) {
            throw new SettingsException("--device cuda: no CUDA device is visible (build with -Pgpu, and check nvidia-smi)");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("derain device-check on %s%n", target);
        FrameSizeOption p = FrameSizeOption.parse("--parity-size", paritySize, 4);
        boolean ok = true;
        for (Precision precision : target.isCuda() ? List.of(Precision.FP32, Precision.FP16) : List.of(Precision.FP32)) {
            double bound = precision == Precision.FP16 ? FP16_BOUND : FP32_BOUND;
            double[] diff = parity(target, precision, p.width(), p.height());
            boolean pass = diff[0] <= bound && diff[1] <= bound;
            ok &= pass;
            out.printf("  parity %s against the CPU at %dx%d: image %.1e, attention %.1e (bound %.0e)  %s%n",
                    precision.name().toLowerCase(), p.width(), p.height(), diff[0], diff[1], bound, pass ? "ok" : "FAILED");
            out.flush();
        }
        FrameSizeOption r = FrameSizeOption.parse("--size", size, 1);
        for (int batch : batches) {
            if (batch < 1) throw new SettingsException("--batches: sizes must be at least 1");
            double fps = ring(target, batch, frames, r.width(), r.height());
            out.printf("  ring at %dx%d, batch %d: %.2f fps%n", r.width(), r.height(), batch, fps);
            out.flush();
        }
        out.println(ok ? "device-check: ok" : "device-check: FAILED");
        out.flush();
        return ok ? 0 : 1;
    }

    /** Max abs differences of the image and the final map: {@code target} in {@code precision} against the CPU in fp32. */
    private static double[] parity(ComputeDevice target, Precision precision, int width, int height) {
        try (GeneratorModel cpu = bundled(); GeneratorModel onDevice = bundled();
             PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            torch.manual_seed(11);
            Tensor x = torch.rand(1, 3, height, width);
            cpu.to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), torch.ScalarType.Float);
            RestorationModel.Restoration reference = cpu.restore(x);
            onDevice.to(target.device(), precision.scalarType());
            Tensor in = x.to(target.device(), precision.scalarType());
            RestorationModel.Restoration got = onDevice.restore(in);
            if (!target.isCuda()) {
                // No second device: the same frame inside a batch of three must come out as it does alone.
                Tensor three = torch.cat(new org.bytedeco.pytorch.TensorVector(torch.rand(1, 3, height, width), x,
                        torch.rand(1, 3, height, width)), 0);
                RestorationModel.Restoration batch = onDevice.restore(three);
                got = new RestorationModel.Restoration(batch.image().narrow(0, 1, 1), batch.attention().narrow(0, 1, 1));
            }
            return new double[] {maxAbs(reference.image(), got.image()), maxAbs(reference.attention(), got.attention())};
        }
    }

    /** Frames per second through the operator's ring, batches submitted ahead of their completion. */
    private static double ring(ComputeDevice target, int batch, int frames, int width, int height) {
        DerainSettings settings = DerainSettings.defaults().withBatch(batch);
        Random random = new Random(3);
        try (DerainOperator operator = new DerainOperator(bundled(), target, settings)) {
            int depth = operator.pipelineDepth();
            List<List<VideoFrame>> slots = new ArrayList<>();
            for (int s = 0; s < depth; s++) {
                List<VideoFrame> b = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    VideoFrame f = new VideoFrame(width, height);
                    byte[] noise = new byte[width * height * 3];
                    random.nextBytes(noise);
                    f.pixels().put(noise);
                    b.add(f);
                }
                slots.add(b);
            }
            operator.apply(slots.get(0)); // warm-up
            int batches = Math.max(1, (int) Math.ceil((double) frames / batch));
            long start = System.nanoTime();
            int inFlight = 0;
            for (int i = 0; i < batches; i++) {
                if (inFlight == depth) {
                    operator.complete();
                    inFlight--;
                }
                operator.submit(slots.get(i % depth));
                inFlight++;
            }
            while (inFlight-- > 0) operator.complete();
            return batches * batch / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static GeneratorModel bundled() {
        return ModelCatalog.bundled("lite");
    }

    private static double maxAbs(Tensor a, Tensor b) {
        Tensor d = a.to(torch.ScalarType.Float).cpu().sub(b.to(torch.ScalarType.Float).cpu()).abs().max();
        float[] v = new float[1];
        new FloatPointer(d.data_ptr_float()).get(v);
        return v[0];
    }
}
