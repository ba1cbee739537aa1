package io.derain.pipeline.live;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real receiving RTSP server for the publish tests: FFmpeg's own listen mode, recording what one client
 * publishes (ANNOUNCE/RECORD) into an mp4 by stream copy. It takes exactly one connection, so readiness is
 * read from /proc/net/tcp rather than probed with a connect, which would use that connection up.
 */
public final class RtspListener implements AutoCloseable {
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg"); // Debian's: has the rtsp muxer and listen mode
    private static final Duration LISTEN_DEADLINE = Duration.ofSeconds(5);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);

    private final int port;
    private final Path output;
    private final Path log;
    private final Process process;

    private RtspListener(int port, Path output, Duration waitForPublisher) throws IOException {
        this.port = port;
        this.output = output;
        this.log = Files.createTempFile("rtsp-listener", ".log");
        // FFmpeg 5.1 (Debian 12): -listen_timeout is the wait for the publisher, in seconds; -timeout is the
        // socket I/O timeout in microseconds (so "-timeout 20" would mean 20 µs, and no bound on the wait).
        process = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-nostdin", "-y",
                "-rtsp_flags", "listen", "-listen_timeout", Long.toString(Math.max(1, waitForPublisher.toSeconds())),
                "-timeout", "10000000", "-i", url(), "-c", "copy", output.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening();
    }

    /** Starts a listener on a free loopback port that waits up to 20 s for a publisher and records to {@code output}. */
    public static RtspListener start(Path output) throws IOException {
        return start(output, Duration.ofSeconds(20));
    }

    public static RtspListener start(Path output, Duration waitForPublisher) throws IOException {
        if (!available()) {
            throw new IllegalStateException(FFMPEG + " is missing (Debian package ffmpeg)");
        }
        return new RtspListener(freePort(), output, waitForPublisher);
    }

    /** Whether Debian's ffmpeg is there; like {@link RtspCamera#available()}, throws in CI when it is not. */
    public static boolean available() {
        return RtspCamera.required(Files.isExecutable(FFMPEG), FFMPEG + " (Debian package ffmpeg)");
    }

    public String url() { return "rtsp://127.0.0.1:" + port + "/live"; }

    public Path output() { return output; }

    /** FFmpeg's own account (stream mapping, errors), for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Waits for FFmpeg to end by itself (the publisher tore down); its exit code, or -1 after the deadline. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGINT first, so FFmpeg writes the mp4 trailer (the file is unplayable without it); SIGKILL after a deadline. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (process.isAlive()) {
                signalInterrupt();
                if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file left behind is not worth failing a test for
            }
        }
    }

    private void signalInterrupt() throws InterruptedException {
        try {
            Process k = new ProcessBuilder("/bin/sh", "-c", "kill -s INT " + process.pid()).start();
            if (!k.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) k.destroyForcibly();
        } catch (IOException e) {
            process.destroy(); // SIGTERM: FFmpeg finishes the file on that too
        }
    }

    /** Publishers must not connect before FFmpeg listens: that would be "connection refused". */
    private void awaitListening() throws IOException {
        String local = String.format(Locale.ROOT, "0100007F:%04X 00000000:0000 0A", port); // 0A = LISTEN
        long giveUp = System.nanoTime() + LISTEN_DEADLINE.toNanos();
        while (System.nanoTime() < giveUp) {
            if (Files.readString(Path.of("/proc/net/tcp")).contains(local)) return;
            if (!process.isAlive()) break;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String why = log();
        process.destroyForcibly();
        throw new IllegalStateException("ffmpeg is not listening on " + url() + " within " + LISTEN_DEADLINE
                + "; its output:\n" + why);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
