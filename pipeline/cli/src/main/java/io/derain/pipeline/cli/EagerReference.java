package io.derain.pipeline.cli;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.ModuleTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The same network in PyTorch eager mode, for {@code derain bench-model --eager}: writes the generator's
 * weights and the benchmark frame to a folder, runs the reference definition
 * ({@code io/derain/models/reference/*.py}) there with Debian's {@code python3-torch} in a child process
 * (so its memory is its own), and reads back its time per frame, peak RSS and output.
 */
final class EagerReference {
    static final String PYTHON = "/usr/bin/python3";
    private static final String RESOURCES = "/io/derain/models/reference/";

    /** What the eager run measured; {@code image} is its output (N×3×H×W float32, C order). */
    record Result(String torchVersion, double secondsPerFrame, long peakRssBytes, float[] image) {}

    private EagerReference() {}

    /**
     * @param frame H×W×3 BGR bytes, the frame both sides time
     * @param timeoutSeconds the child is killed after this
     */
    static Result run(AttentiveGenerator generator, byte[] frame, int width, int height, int threads, int frames,
                      Path dir, long timeoutSeconds) throws IOException {
        prepare(generator, frame, width, height, dir);
        GeneratorConfig c = generator.config();
        List<String> command = new ArrayList<>(List.of(PYTHON, dir.resolve("eager_bench.py").toString(), dir.toString(),
                "--recurrent", "" + c.recurrentChannels(), "--blocks", "" + c.residualBlocks(), "--steps", "" + c.steps(),
                "--widths", c.width1() + "," + c.width2() + "," + c.width3(),
                "--threads", "" + threads, "--frames", "" + frames));
        String json = ChildRun.lastLine(command, dir.resolve("eager.log"), timeoutSeconds, "PyTorch eager");
        return new Result(ChildRun.text(json, "torch"), ChildRun.number(json, "seconds_per_frame", "PyTorch eager"),
                (long) ChildRun.number(json, "peak_rss_bytes", "PyTorch eager"), ChildRun.floats(dir.resolve("eager_image.bin")));
    }

    /**
     * Writes what the reference scripts read into {@code dir}: the weights, the frame and the scripts themselves.
     *
     * @throws IOException without Debian's python3, or when a script is missing from the class path
     */
    static void prepare(AttentiveGenerator generator, byte[] frame, int width, int height, Path dir) throws IOException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IOException(PYTHON + " is missing: --eager needs Debian's python3 with python3-torch and python3-numpy");
        }
        writeWeights(generator, dir);
        Files.write(dir.resolve("frame.bin"), frame);
        Files.writeString(dir.resolve("frame.txt"), height + " " + width + "\n");
        for (String script : List.of("attentive_generator.py", "eager_bench.py", "onnx_export.py")) {
            try (InputStream in = EagerReference.class.getResourceAsStream(RESOURCES + script)) {
                if (in == null) throw new IOException("the reference script " + script + " is missing from the class path");
                Files.copy(in, dir.resolve(script));
            }
        }
    }

    /** Every parameter by name and shape (weights.txt) and its float32 values in that order (weights.bin). */
    private static void writeWeights(AttentiveGenerator generator, Path dir) throws IOException {
        StringBuilder names = new StringBuilder();
        try (FileChannel out = FileChannel.open(dir.resolve("weights.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            IOException[] failure = new IOException[1];
            ModuleTensors.forEach(generator, (name, t) -> {
                try (t; Tensor values = t.to(torch.ScalarType.Float).contiguous()) {
                    names.append(name);
                    for (int d = 0; d < values.dim(); d++) names.append(' ').append(values.size(d));
                    names.append('\n');
                    float[] v = new float[(int) values.numel()];
                    new FloatPointer(values.data_ptr_float()).get(v);
                    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    while (b.hasRemaining()) out.write(b);
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) throw failure[0];
        }
        Files.writeString(dir.resolve("weights.txt"), names);
    }
}
