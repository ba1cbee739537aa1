package io.derain.pipeline.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's {@code promtool} (package prometheus): the checks Prometheus' own tools make. */
public final class Promtool {
    public static final Path BINARY = Path.of("/usr/bin/promtool");

    private Promtool() {}

    /** Whether promtool is installed; in CI (CI=true) a missing one fails instead of skipping. */
    public static boolean available() {
        boolean ok = Files.isExecutable(BINARY);
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("the metrics tests need promtool (Debian package prometheus) but it is missing");
        }
        return ok;
    }

    /** {@code promtool ARGS} with {@code stdin}; its exit status and what it printed. */
    public static Result run(String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(BINARY.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + args[0] + " did not end within 60 s");
        }
        return new Result(p.exitValue(), out);
    }

    /** What promtool said. */
    public record Result(int exitCode, String output) {}
}
