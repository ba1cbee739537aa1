package io.derain.pipeline.cli;

import io.derain.operators.derain.ComputeDevice;
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

    ComputeDevice select() {
        ComputeDevice.Kind kind;
        try {
            kind = ComputeDevice.parseKind(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device: expected auto, cpu or cuda, got '" + device + "'");
        }
        if (threads < 0) throw new IllegalArgumentException("--threads must not be negative");
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1");
        return ComputeDevice.select(kind, threads);
    }
}
