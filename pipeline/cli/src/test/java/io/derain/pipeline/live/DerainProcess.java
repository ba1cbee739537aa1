package io.derain.pipeline.live;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code derain run ...} in a child JVM, as a user runs it, with its Prometheus endpoint on a free port so a
 * test can watch it; its stdout and stderr go to a log file. Closing kills it if it still runs.
 */
final class DerainProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private DerainProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metricsPort = metricsPort;
    }

    /** Starts {@code derain run ARGS... --metrics-port P}. */
    static DerainProcess run(String... args) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("derain-run", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "run"));
        command.addAll(List.of(args));
        command.addAll(List.of("--metrics-port", Integer.toString(port)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new DerainProcess(p, log, port);
    }

    /** A metric's value ({@code name} with its labels, as Prometheus prints it), or -1 when not there (yet). */
    double metric(String sample) {
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            String body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1; // not listening yet, or gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until {@code sample} reaches {@code value}; fails after {@code deadline} or if the process ends. */
    void awaitMetric(String sample, double value, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) fail("derain ended (exit " + process.exitValue() + ") before " + sample + " >= " + value + ":\n" + log());
            if (metric(sample) >= value) return;
            Thread.sleep(100);
        }
        fail(sample + " did not reach " + value + " within " + deadline + ":\n" + log());
    }

    /** The exit code, waiting up to {@code deadline}; fails (and kills it) if it is still running then. */
    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("derain did not exit within " + deadline + ":\n" + log());
        }
        return process.exitValue();
    }

    void sigterm() { process.destroy(); }

    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The end-of-run summary line's {@code name number} figure, e.g. {@code figure("reconnects")}. */
    double figure(String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " ([0-9.]+)").matcher(log());
        if (!m.find()) fail("no '" + name + "' in the summary:\n" + log());
        return Double.parseDouble(m.group(1));
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
