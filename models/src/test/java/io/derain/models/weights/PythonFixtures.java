package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/python/make_fixtures.py (Debian's python3 with python3-torch) once per JVM into
 * target/python-fixtures/paper and reads what it wrote. Missing python3-torch fails the test: CI
 * installs it, and silently skipped format tests would hide regressions.
 */
public final class PythonFixtures {
    static final String PYTHON = "/usr/bin/python3";
    private static final Map<String, Path> dirs = new LinkedHashMap<>();

    private PythonFixtures() {}

    /** The fixture folder of the paper-sized generator (recurrent 32, widths 64,128,256). */
    public static Path dir() {
        return dir("paper");
    }

    /**
     * A fixture folder made once per JVM under target/python-fixtures/NAME by make_fixtures.py with
     * {@code args} (e.g. {@code --recurrent 4 --widths 8,16,32} for a tiny, fast generator).
     */
    public static synchronized Path dir(String name, String... args) {
        return dirs.computeIfAbsent(name, n -> generate(n, List.of(args)));
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** The state dict the Python side saved: name → shape, in order (weights.txt). */
    public static Map<String, long[]> weightShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String line : lines(file("weights.txt"))) {
            String[] parts = line.trim().split(" ");
            shapes.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToLong(Long::parseLong).toArray());
        }
        return shapes;
    }

    /** Raw little-endian float32 file (weights.bin, input.bin, image.bin, ...). */
    public static float[] floats(String name) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file(name))).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path generate(String name, List<String> args) {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        // The script lives in the models module; tests of other modules find it through the parent folder.
        Path script = module.resolve("src/test/python/make_fixtures.py");
        // From another module's tests: the models module beside it, or beside its parent (pipeline/cli).
        for (Path dir = module; !Files.exists(script) && dir.getParent() != null; dir = dir.getParent()) {
            script = dir.resolveSibling("models").resolve("src/test/python/make_fixtures.py");
        }
        Path out = module.resolve("target/python-fixtures/" + name);
        String probe = run(List.of(PYTHON, "-c", "import torch, numpy"));
        if (probe != null) {
            fail("the weight-format tests need " + PYTHON + " with PyTorch and numpy (Debian: apt-get install "
                    + "python3-torch python3-numpy): " + probe);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), out.toString()));
        command.addAll(args);
        String error = run(command);
        if (error != null) fail("make_fixtures.py failed: " + error);
        return out;
    }

    /** Runs a command; null when it succeeded, else what went wrong with its output. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output.strip();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
