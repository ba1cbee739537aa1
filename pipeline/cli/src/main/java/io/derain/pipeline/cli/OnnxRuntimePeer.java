package io.derain.pipeline.cli;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.pipeline.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * ONNX Runtime on the same network, for {@code derain bench-model --peer onnxruntime}: the weights exported to ONNX
 * by the reference definition ({@code onnx_export.py}, Debian's python3-torch, as {@code --eager} uses it), then
 * timed by {@code io.derain.pipeline.peers.OnnxRuntimeBench} in a JVM of its own from the {@code derain-peers}
 * module's build: ONNX Runtime is never on derain's own class path, and its memory is measured apart.
 */
final class OnnxRuntimePeer {
    /** What ONNX Runtime measured; {@code image} is its output (1×3×H×W float32). */
    record Result(String version, double secondsPerFrame, long peakRssBytes, float[] image) {}

    private OnnxRuntimePeer() {}

    static Result run(AttentiveGenerator generator, byte[] frame, int width, int height, int threads, int frames, Path dir,
                      long timeoutSeconds) throws IOException {
        Path peers = peersBuild();
        EagerReference.prepare(generator, frame, width, height, dir);
        GeneratorConfig c = generator.config();
        ChildRun.lastLine(List.of(EagerReference.PYTHON, dir.resolve("onnx_export.py").toString(), dir.toString(),
                "--recurrent", "" + c.recurrentChannels(), "--blocks", "" + c.residualBlocks(), "--steps", "" + c.steps(),
                "--widths", c.width1() + "," + c.width2() + "," + c.width3()), dir.resolve("export.log"), timeoutSeconds,
                "the ONNX export");
        String classPath = peers.resolve("classes") + java.io.File.pathSeparator + Files.readString(peers.resolve("classpath.txt")).strip();
        String json = ChildRun.lastLine(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                "io.derain.pipeline.peers.OnnxRuntimeBench", dir.toString(), Integer.toString(threads), Integer.toString(frames)),
                dir.resolve("ort.log"), timeoutSeconds, "ONNX Runtime");
        return new Result(ChildRun.text(json, "onnxruntime"), ChildRun.number(json, "seconds_per_frame", "ONNX Runtime"),
                (long) ChildRun.number(json, "peak_rss_bytes", "ONNX Runtime"), ChildRun.floats(dir.resolve("ort_image.bin")));
    }

    /** {@code pipeline/peers/target} of the checkout this CLI was built in, with its classes and class path. */
    private static Path peersBuild() {
        Path here;
        try {
            here = Path.of(DerainCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            here = Path.of("").toAbsolutePath();
        }
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("pipeline/peers/target");
            if (Files.isRegularFile(target.resolve("classpath.txt")) && Files.isDirectory(target.resolve("classes"))) return target;
        }
        throw new InputException("--peer onnxruntime: the derain-peers module is not built in this checkout; build it with "
                + "mvn -q -B -pl pipeline/peers -am install -DskipTests");
    }
}
