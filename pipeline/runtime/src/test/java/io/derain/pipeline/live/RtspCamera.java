package io.derain.pipeline.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real RTSP camera for the live-source tests: {@code rtsp_camera.py} (gst-rtsp-server through Debian's
 * PyGObject) in a child process, serving a clip in an endless loop as live H.264 at {@link #url()}.
 * Failure modes a camera has in the field are one call away: {@link #kill()} (the camera dies),
 * {@link #restart()} (it comes back on the same address), {@link #freeze()} (it hangs: the TCP connection
 * stays up but nothing more arrives). Every wait has a deadline, so a broken fixture fails, never hangs.
 */
public final class RtspCamera implements AutoCloseable {
    static final Path PYTHON = Path.of("/usr/bin/python3"); // Debian's, which has gi; not a pyenv one on PATH
    static final String MOUNT = "/cam";
    private static final Duration READY_DEADLINE = Duration.ofSeconds(10);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(5);
    private static final Duration REBIND_DEADLINE = Duration.ofSeconds(5);
    /** A fresh camera must answer DESCRIBE (its media prerolled: the encoder made a frame) within this. */
    private static final Duration SERVE_DEADLINE = Duration.ofSeconds(20);
    private static final int EXIT_CANNOT_BIND = 2; // rtsp_camera.py's code for "port taken"
    private static final String PACKAGES = "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base"
            + " gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav";
    private static Boolean available;

    private final Path clip;
    private final Path stderr;
    private int port;
    private Process process;

    private RtspCamera(Path clip) throws IOException {
        this.clip = clip;
        this.stderr = Files.createTempFile("rtsp-camera", ".log");
    }

    /** A camera serving the repository's {@code samples/media/rainy-road.mp4} (640×360, 25 fps, 100 frames). */
    public static RtspCamera start() throws IOException {
        return start(projectFile("samples/media/rainy-road.mp4"));
    }

    /** A camera serving {@code clip} (an mp4 with H.264 video) on a free loopback port. */
    public static RtspCamera start(Path clip) throws IOException {
        RtspCamera camera = new RtspCamera(clip);
        camera.port = camera.launch(0, Duration.ZERO); // port 0: the script binds a free one and says which
        camera.awaitServing(); // READY only means listening: the mount is built on the first DESCRIBE
        return camera;
    }

    public String url() { return "rtsp://127.0.0.1:" + port + MOUNT; }

    public int port() { return port; }

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process.isAlive(); }

    /** The camera dies without a word (SIGKILL): clients see the connection close. */
    public void kill() {
        if (!process.isAlive()) return;
        process.destroyForcibly(); // SIGKILL also ends a stopped (frozen) process
        awaitExit(process, "killed");
    }

    /**
     * Kills the camera if needed and starts a new one on the same port. gst-rtsp-server binds with
     * SO_REUSEADDR (g_socket_bind allow_reuse), so the old connections' TIME_WAIT does not block it;
     * still, a bind failure is retried briefly, since the old process may release the port a moment late.
     */
    public void restart() throws IOException {
        kill();
        launch(port, REBIND_DEADLINE);
    }

    /** The camera hangs (SIGSTOP): connections stay established, but nothing is sent or answered. */
    public void freeze() {
        signal("STOP");
        awaitState('T', true);
    }

    /** The hung camera carries on (SIGCONT); its script restarts the frame beat instead of bursting. */
    public void thaw() {
        signal("CONT");
        awaitState('T', false);
    }

    /** What the camera process wrote on stderr so far (GStreamer warnings, Python tracebacks). */
    public String log() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(cannot read " + stderr + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                signal("CONT"); // harmless when not frozen
                kill();
            }
        } finally {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // a temp file left behind is not worth failing a test for
            }
        }
    }

    /**
     * Whether Debian's python3 has GStreamer's RTSP server and the elements the camera uses. Tests skip
     * through Assumptions when it is false, except in CI (env CI=true) or with -Dderain.requireRtsp=true,
     * where a missing package throws: CI must never pass by silently skipping the live tests.
     */
    public static synchronized boolean available() {
        if (available == null) {
            available = probeGstreamer();
        }
        return required(available, "GStreamer's RTSP server for " + PYTHON + " (Debian packages: " + PACKAGES + ")");
    }

    /** Returns {@code ok}, or throws when it is false and the environment demands the live fixtures. */
    static boolean required(boolean ok, String what) {
        boolean demanded = "true".equalsIgnoreCase(System.getenv("CI"))
                || Boolean.getBoolean("derain.requireRtsp");
        if (!ok && demanded) {
            throw new IllegalStateException("the live tests need " + what
                    + " but it is missing (CI=true or -Dderain.requireRtsp=true forbids skipping them)");
        }
        return ok;
    }

    /** The repository root: the nearest directory at or above the working directory with {@code relative}. */
    static Path projectFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException(relative + " not found at or above " + Path.of("").toAbsolutePath());
    }

    private static boolean probeGstreamer() {
        if (!Files.isExecutable(PYTHON)) return false;
        String check = String.join("\n",
                "import gi",
                "gi.require_version('Gst', '1.0')",
                "gi.require_version('GstRtspServer', '1.0')",
                "from gi.repository import Gst, GstRtspServer",
                "Gst.init(None)",
                "names = ['appsrc', 'filesrc', 'qtdemux', 'h264parse', 'avdec_h264', 'videoconvert', 'x264enc', 'rtph264pay']",
                "missing = [n for n in names if Gst.ElementFactory.find(n) is None]",
                "raise SystemExit('missing elements: %s' % missing if missing else 0)");
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", check)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the script on {@code wanted} (0 = any), retrying a taken port until {@code rebind} has passed. */
    private int launch(int wanted, Duration rebind) throws IOException {
        long giveUp = System.nanoTime() + rebind.toNanos();
        while (true) {
            Process p = new ProcessBuilder(PYTHON.toString(), script().toString(),
                    "--port", Integer.toString(wanted), "--path", MOUNT, "--file", clip.toString())
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())) // a file: never blocks
                    .start();
            process = p;
            CompletableFuture<Integer> ready = readyLine(p);
            try {
                return ready.get(READY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                throw new IllegalStateException("rtsp_camera.py printed no READY line within " + READY_DEADLINE
                        + "; its stderr:\n" + log());
            } catch (ExecutionException e) { // it exited before READY
                awaitExit(p, "failed");
                if (p.exitValue() == EXIT_CANNOT_BIND && System.nanoTime() < giveUp) {
                    sleep(200);
                    continue;
                }
                throw new IllegalStateException("rtsp_camera.py exited with " + p.exitValue()
                        + " before READY (port " + wanted + "); its stderr:\n" + log());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted while waiting for rtsp_camera.py", e);
            }
        }
    }

    /**
     * Sends DESCRIBE until it is answered 200: gst-rtsp-server answers only once the mount's media has been
     * built and prerolled (plugins loaded, a frame encoded), so a test's first client meets a warm server
     * and its short grabber timeouts never cover the fresh process's start-up. The media is released after
     * a DESCRIBE-only client, so the camera is left as it was. About 30 ms when idle.
     */
    private void awaitServing() {
        long giveUp = System.nanoTime() + SERVE_DEADLINE.toNanos();
        String last = "no answer";
        while (System.nanoTime() < giveUp) {
            if (!process.isAlive()) break;
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout((int) Math.max(1, (giveUp - System.nanoTime()) / 1_000_000));
                s.getOutputStream().write(("DESCRIBE " + url() + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                last = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (last != null && last.startsWith("RTSP/1.0 200")) return;
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(100);
        }
        throw new IllegalStateException("rtsp_camera.py " + (process.isAlive() ? "did not serve " + url() + " within "
                + SERVE_DEADLINE : "died") + " (last: " + last + "); its stderr:\n" + log());
    }

    /** Completes with the port of the script's "READY <port>" line; fails if stdout ends first. */
    private static CompletableFuture<Integer> readyLine(Process p) {
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) { // keeps draining after READY, so the pipe never fills
                    if (!ready.isDone() && line.startsWith("READY ")) {
                        ready.complete(Integer.parseInt(line.substring(6).trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("stdout closed before READY"));
        }, "rtsp-camera-stdout");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    /** The camera script: a file in this module's test classes, or copied out of the test-jar other modules use. */
    private static synchronized Path script() {
        java.net.URL url = RtspCamera.class.getResource("rtsp_camera.py");
        if (url == null) throw new IllegalStateException("rtsp_camera.py is not on the test class path");
        try {
            if (url.getProtocol().equals("file")) return Path.of(url.toURI());
            if (extracted == null) {
                Path copy = java.nio.file.Files.createTempFile("rtsp_camera", ".py");
                copy.toFile().deleteOnExit();
                try (java.io.InputStream in = url.openStream()) {
                    java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                extracted = copy;
            }
            return extracted;
        } catch (URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("rtsp_camera.py cannot be read from " + url, e);
        }
    }

    private static Path extracted;

    /** Sends a signal through the shell's built-in kill: Java has no API for STOP and CONT. */
    private void signal(String name) {
        try {
            Process k = new ProcessBuilder("/bin/sh", "-c", "kill -s " + name + " " + process.pid())
                    .redirectErrorStream(true).start();
            if (!k.waitFor(EXIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                k.destroyForcibly();
                throw new IllegalStateException("kill -s " + name + " did not return");
            }
            if (k.exitValue() != 0 && process.isAlive()) {
                throw new IllegalStateException("kill -s " + name + " failed: "
                        + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until /proc says the process is (or is no longer) in {@code state}; signals are asynchronous. */
    private void awaitState(char state, boolean in) {
        long giveUp = System.nanoTime() + EXIT_DEADLINE.toNanos();
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        while (System.nanoTime() < giveUp) {
            try {
                List<String> fields = List.of(Files.readString(stat).replaceFirst("^.*\\) ", "").split(" "));
                if ((fields.get(0).charAt(0) == state) == in) return;
            } catch (IOException e) {
                throw new IllegalStateException("camera process " + process.pid() + " is gone; stderr:\n" + log(), e);
            }
            sleep(10);
        }
        throw new IllegalStateException("camera process did not " + (in ? "enter" : "leave") + " state " + state);
    }

    private void awaitExit(Process p, String what) {
        try {
            if (!p.waitFor(EXIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("camera process " + p.pid() + " " + what + " but still alive after "
                        + EXIT_DEADLINE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
