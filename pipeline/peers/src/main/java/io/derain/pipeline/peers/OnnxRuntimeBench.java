package io.derain.pipeline.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Times an ONNX model on one frame with ONNX Runtime's Java API, the way {@code derain bench-model --peer
 * onnxruntime} compares it: {@code DIR/model.onnx} on {@code DIR/frame.bin} (H×W×3 BGR bytes, size in
 * {@code frame.txt}) as a 1×3×H×W float32 frame in [0, 1], fp32, {@code THREADS} intra-op threads, one warm-up
 * pass, then {@code FRAMES} timed ones. Writes the output to {@code DIR/ort_image.bin} (float32 little-endian) and
 * prints one JSON line: ONNX Runtime's version, seconds per frame, this process's peak RSS.
 *
 * <p>usage: OnnxRuntimeBench DIR THREADS FRAMES
 */
public final class OnnxRuntimeBench {
    private OnnxRuntimeBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: OnnxRuntimeBench DIR THREADS FRAMES");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]), frames = Integer.parseInt(args[2]);
        String[] size = Files.readString(dir.resolve("frame.txt")).strip().split("\\s+");
        int h = Integer.parseInt(size[0]), w = Integer.parseInt(size[1]);
        byte[] bgr = Files.readAllBytes(dir.resolve("frame.bin"));
        FloatBuffer input = ByteBuffer.allocateDirect(3 * h * w * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) input.put(c * h * w + i, (bgr[i * 3 + c] & 0xff) / 255f);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), options);
                 OnnxTensor frame = OnnxTensor.createTensor(env, input, new long[] {1, 3, h, w})) {
                String name = session.getInputNames().iterator().next();
                try (OrtSession.Result warm = session.run(Map.of(name, frame))) {
                    // oneDNN-free CPU provider: first run plans memory
                }
                float[] image = null;
                long start = System.nanoTime();
                for (int i = 0; i < frames; i++) {
                    try (OrtSession.Result r = session.run(Map.of(name, frame))) {
                        if (i == frames - 1) {
                            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                            image = new float[out.remaining()];
                            out.get(image);
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9 / frames;
                ByteBuffer bytes = ByteBuffer.allocate(image.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(image);
                Files.write(dir.resolve("ort_image.bin"), bytes.array());
                System.out.printf(java.util.Locale.ROOT, "{\"onnxruntime\": \"%s\", \"seconds_per_frame\": %.6f, \"peak_rss_bytes\": %d}%n",
                        env.getVersion(), seconds, peakRss());
            }
        }
    }

    private static long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        }
        return 0;
    }
}
