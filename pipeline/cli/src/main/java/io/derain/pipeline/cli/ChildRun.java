package io.derain.pipeline.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference run in a child process (PyTorch eager, the ONNX exporter, ONNX Runtime), so that its memory is its
 * own: started with a deadline, its output kept in a log, its last line read as its one-line JSON report.
 */
final class ChildRun {
    private ChildRun() {}

    /**
     * Runs {@code command}, output to {@code log}; returns its last line.
     *
     * @param what names it in errors ("PyTorch eager")
     * @throws IOException when it fails, or runs past {@code timeoutSeconds} (then it is killed)
     */
    static String lastLine(List<String> command, Path log, long timeoutSeconds, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(what + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what + " ran");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8).strip();
        int nl = output.lastIndexOf('\n');
        String last = nl < 0 ? output : output.substring(nl + 1);
        if (p.exitValue() != 0) throw new IOException(what + " failed (exit " + p.exitValue() + "): " + last);
        return last;
    }

    /** A number from a one-line JSON report. */
    static double number(String json, String key, String what) throws IOException {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.eE+-]+)").matcher(json);
        if (!m.find()) throw new IOException(what + " printed no " + key + ": " + json);
        return Double.parseDouble(m.group(1));
    }

    /** A string from a one-line JSON report, or "?". */
    static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": \"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    /** float32 little-endian values. */
    static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }
}
