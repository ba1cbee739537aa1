package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.operators.derain.AttentionGate;
import io.derain.operators.derain.GateChoice;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.CpuFeatures;
import io.derain.operators.derain.DerainSettings;
import io.derain.operators.derain.Precision;
import picocli.CommandLine.Option;

/** Where and how inference runs. */
final class ComputeOptions {
    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "Inference device (default: ${DEFAULT-VALUE}: CUDA when available).")
    String device;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads for inference (default: one per core).")
    int threads;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "Frames per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "8294400",
            description = "Largest frame accepted, width x height (default: ${DEFAULT-VALUE}, 3840x2160).")
    long maxPixels;

    @Option(names = "--precision", paramLabel = "auto|fp32|bf16|int8|fp16", defaultValue = "auto",
            description = "Inference arithmetic: auto (default: the hardware's native one, bf16 on CPUs with AVX-512 BF16 "
                    + "or AMX, int8 where the CPU also has VNNI and the model is the attentive generator, fp16 on CUDA, fp32 elsewhere; the banner says "
                    + "which), fp32, bf16, int8 (the recurrent feature extractor on int8 kernels, the rest bf16), fp16 (CUDA).")
    String precision;

    @Option(names = "--work-size", paramLabel = "WxH",
            description = "Run the model on frames downscaled to fit WxH and apply its correction at full size.")
    String workSize;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "0",
            description = "Full-resolution inference in N x N tiles (overlapping by --tile-overlap).")
    int tile;

    @Option(names = "--tile-overlap", paramLabel = "N", defaultValue = "64",
            description = "Pixels shared by neighbouring tiles (default: ${DEFAULT-VALUE}).")
    int tileOverlap;

    @Option(names = "--attention-gate", negatable = true,
            description = "Replace only what the attention map marks as raindrops, passing the rest of the frame "
                    + "through untouched; --no-attention-gate takes the network's whole output (default: as the "
                    + "weights' metadata says; weights without it, such as gen.pkl, run the whole output).")
    Boolean attentionGate;

    @Option(names = "--gate-grow", paramLabel = "PX",
            description = "Widen the attention map by PX pixels before gating, so the gate also covers drop rims and "
                    + "interiors the map marks only weakly (0: the map as it is; default: the weights', else "
                    + AttentionGate.DEFAULT_GROW + "). Turns the gate on.")
    Integer gateGrow;

    @Option(names = "--gate-gain", paramLabel = "K",
            description = "Multiply the (widened) attention map by K before gating, so that drops the map marks "
                    + "with less than full confidence are replaced wholly (1: the map as it is; default: the "
                    + "weights', else " + AttentionGate.DEFAULT_GAIN + "). Turns the gate on.")
    Double gateGain;

    @Option(names = "--gate-floor", paramLabel = "F",
            description = "Pass pixels whose (widened) map is at or below F (0..0.95) through untouched, the gate "
                    + "rising from there to the gain at map level 1, so the faint response of the map to foliage, "
                    + "bright windows or night lights on a clear frame leaves it alone (default: the weights', else "
                    + "0). Turns the gate on.")
    Double gateFloor;

    DerainSettings settings() {
        int ww = 0, wh = 0;
        if (workSize != null) {
            String[] p = workSize.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                ww = Integer.parseInt(p[0]);
                wh = Integer.parseInt(p[1]);
            } catch (RuntimeException e) {
                throw new SettingsException("--work-size: expected WxH such as 640x360, got '" + workSize + "'");
            }
        }
        if (gateGrow != null && gateGrow < 0) throw new SettingsException("--gate-grow must not be negative");
        if (gateGain != null && (!(gateGain > 0) || Double.isInfinite(gateGain))) {
            throw new SettingsException("--gate-gain must be a positive number, got " + gateGain);
        }
        if (gateFloor != null && !(gateFloor >= 0 && gateFloor <= 0.95)) {
            throw new SettingsException("--gate-floor must be in [0, 0.95], got " + gateFloor);
        }
        if (Boolean.FALSE.equals(attentionGate) && (gateGrow != null || gateGain != null || gateFloor != null)) {
            throw new SettingsException("--no-attention-gate cannot be combined with --gate-grow, --gate-gain or --gate-floor");
        }
        GateChoice gate = new GateChoice(attentionGate, gateGrow, gateGain, gateFloor);
        return DerainSettings.defaults().withBatch(batch).withMaxPixels(maxPixels).withPrecision(Precision.parse(precision))
                .withWorkSize(ww, wh).withTiles(tile, tileOverlap).withGate(gate);
    }

    /** A line to warn with when the settings will run much slower than the user likely expects; null if none. */
    static String slowSettingsWarning(DerainSettings settings, ComputeDevice device) {
        if ((settings.precision() != Precision.BF16 && settings.precision() != Precision.INT8) || device.isCuda()) return null;
        CpuFeatures cpu = CpuFeatures.host();
        if (!cpu.known() || cpu.fastBf16()) return null;
        return "derain: warning: this CPU has neither AVX-512 BF16 nor AMX, so bf16 runs far slower than fp32 here; "
                + "leave --precision at fp32";
    }

    ComputeDevice select() {
        ComputeDevice.Kind kind;
        try {
            kind = ComputeDevice.parseKind(device);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("--device: expected auto, cpu or cuda, got '" + device + "'");
        }
        if (threads < 0) throw new SettingsException("--threads must not be negative");
        if (batch < 1) throw new SettingsException("--batch must be at least 1");
        if (threads > 0) ComputeDevice.setProcessCpuThreads(threads); // the CLI owns its process
        return ComputeDevice.select(kind);
    }
}
