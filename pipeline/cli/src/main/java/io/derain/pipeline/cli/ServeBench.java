package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code derain bench INPUT --serve N}: N cameras in one {@code derain serve} against N {@code derain run}
 * processes side by side, each camera or process deraining all of INPUT with the same model, one after the other on
 * this machine. Reports each way's total frames per second (all frames over the wall time from launch to the last
 * exit, start-up and model loading included, as a fleet pays them) and total peak RSS (the sum of the processes'
 * VmHWM). Both run as child JVMs of this one's classpath with the same heap limit, so neither shares this JVM's memory.
 */
final class ServeBench {
    /** Each way's longest run: a bench that hangs is a failure, not a wait. */
    private static final Duration LIMIT = Duration.ofMinutes(30);
    private static final long POLL_MILLIS = 100;

    /** One way's figures. */
    record Result(String way, int processes, long frames, double seconds, long peakRssBytes, boolean ok, String failure) {
        double framesPerSecond() { return seconds > 0 ? frames / seconds : 0; }
    }

    private final Path input;
    private final String model;
    private final int batch;
    private final Path dir;

    ServeBench(Path input, String model, int batch, Path dir) {
        this.input = input;
        this.model = model;
        this.batch = batch;
        this.dir = dir;
    }

    /** Runs both ways with {@code cameras} cameras and prints them side by side. */
    void run(int cameras, PrintWriter out) throws IOException, InterruptedException {
        if (cameras < 1 || cameras > 64) throw new SettingsException("--serve: between 1 and 64 cameras, got " + cameras);
        Result separate = separateRuns(cameras);
        Result shared = oneServe(cameras);
        out.printf(Locale.ROOT, "%d cameras, each all of %s, model %s (run: batch %d; serve: batch %d across cameras), on %d cores%n",
                cameras, input, model, batch, Math.max(batch, cameras), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-28s %8s %10s %10s %14s%n", "", "frames", "frames/s", "wall s", "peak RSS MiB");
        for (Result r : List.of(separate, shared)) {
            out.printf(Locale.ROOT, "%-28s %8d %10.2f %10.1f %14.0f%s%n", r.way(), r.frames(), r.framesPerSecond(), r.seconds(),
                    r.peakRssBytes() / 1048576.0, r.ok() ? "" : "  FAILED: " + r.failure());
        }
        out.printf(Locale.ROOT, "serve / runs: throughput %.2f×, RSS %.2f×%n", shared.framesPerSecond() / separate.framesPerSecond(),
                (double) shared.peakRssBytes() / separate.peakRssBytes());
        out.flush();
    }

    private Result separateRuns(int cameras) throws IOException, InterruptedException {
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            commands.add(List.of("run", input.toString(), "-o", dir.resolve("run-" + i + ".mp4").toString(), "--model", model,
                    "--batch", Integer.toString(batch), "-q", "-y"));
        }
        return measure(cameras + " × derain run", commands, "run-", cameras);
    }

    private Result oneServe(int cameras) throws IOException, InterruptedException {
        // serve's point: one batch holds a frame of every camera.
        StringBuilder yaml = new StringBuilder("model: \"" + model + "\"\nbatch: " + Math.max(batch, cameras) + "\nmax-wait: 100ms\ncameras:\n");
        for (int i = 0; i < cameras; i++) {
            yaml.append("  - {id: cam").append(i).append(", input: \"").append(input.toAbsolutePath())
                    .append("\", output: \"").append(dir.resolve("serve-" + i + ".mp4").toAbsolutePath()).append("\"}\n");
        }
        Path config = Files.writeString(dir.resolve("cameras.yaml"), yaml);
        return measure("1 × derain serve (" + cameras + " cameras)", List.of(List.of("serve", "--config", config.toString(), "-q")),
                "serve-", cameras);
    }

    /** Starts every command at once as a child JVM, polls their peak RSS until all exit. */
    private Result measure(String way, List<List<String>> commands, String prefix, int cameras) throws IOException, InterruptedException {
        List<Process> children = new ArrayList<>();
        long[] peaks = new long[commands.size()];
        long start = System.nanoTime();
        try {
            for (int i = 0; i < commands.size(); i++) {
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g", "-cp", System.getProperty("java.class.path"), DerainCli.class.getName()));
                command.addAll(commands.get(i));
                children.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("child-" + way.replaceAll("\\W+", "-") + i + ".log").toFile()).start());
            }
            long deadline = start + LIMIT.toNanos();
            while (children.stream().anyMatch(Process::isAlive)) {
                if (System.nanoTime() > deadline) return new Result(way, children.size(), 0, LIMIT.toSeconds(), sum(peaks), false, "over " + LIMIT.toMinutes() + " min");
                for (int i = 0; i < children.size(); i++) {
                    if (children.get(i).isAlive()) peaks[i] = Math.max(peaks[i], ProcessMemory.peakRssBytes(children.get(i).pid()));
                }
                Thread.sleep(POLL_MILLIS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < children.size(); i++) {
                int code = children.get(i).waitFor();
                if (code != 0) {
                    Path log = dir.resolve("child-" + way.replaceAll("\\W+", "-") + i + ".log");
                    String tail = Files.readString(log).strip();
                    return new Result(way, children.size(), 0, seconds, sum(peaks), false,
                            "exit " + code + ": " + tail.substring(Math.max(0, tail.length() - 300)).replace('\n', ' '));
                }
            }
            return new Result(way, children.size(), framesWritten(prefix, cameras), seconds, sum(peaks), true, null);
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Frames in the outputs a way wrote (decoded and counted: what was derained, not what was asked). */
    private long framesWritten(String prefix, int cameras) throws IOException {
        long total = 0;
        for (int i = 0; i < cameras; i++) {
            try (FrameSource written = Sources.open(dir.resolve(prefix + i + ".mp4"))) {
                for (MediaItem item; (item = written.next()) != null; ) {
                    if (item instanceof VideoItem v) {
                        total++;
                        written.recycle(v.frame());
                    }
                }
            }
        }
        return total;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) s += v;
        return s;
    }
}
