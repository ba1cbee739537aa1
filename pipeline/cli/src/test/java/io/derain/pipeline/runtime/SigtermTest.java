package io.derain.pipeline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.derain.models.weights.PythonFixtures;
import io.derain.pipeline.source.TestMedia;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code derain run} in a child JVM, sent SIGTERM ({@link Process#destroy()}) once its metrics endpoint
 * reports frames written: it exits 143 and leaves a playable video with exactly the frames it says it wrote.
 */
@Timeout(120)
class SigtermTest {
    private static final Pattern FRAMES_OUT = Pattern.compile("(?m)^derain_frames_out_total(?:\\{[^}]*})? ([0-9.eE+]+)");
    private static final Pattern WROTE = Pattern.compile("stopped: wrote .*: (\\d+) frames of (\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigtermKeepsThePlayableOutputWrittenSoFar() throws Exception {
        Path weights = PythonFixtures.dir("tiny", "--recurrent", "4", "--widths", "8,16,32").resolve("gen_legacy_v2.pkl");
        Path input = TestMedia.smallClip(dir.resolve("in.mp4"), 600);
        Path out = dir.resolve("out.mp4");
        Path childLog = Files.createTempFile("derain-sigterm", ".log"); // not in dir: its listing is checked
        int port = freePort();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli",
                "run", input.toString(), "-o", out.toString(), "--weights", weights.toString(),
                "--metrics-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        try {
            awaitFramesWritten(port, 3, child);
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
        } finally {
            child.destroyForcibly();
        }
        String err = Files.readString(childLog);
        Files.delete(childLog);
        assertEquals(143, child.exitValue(), err);
        Matcher wrote = WROTE.matcher(err);
        assertTrue(wrote.find(), err);
        int frames = Integer.parseInt(wrote.group(1));
        assertTrue(frames >= 3 && frames < 600, err);
        assertEquals(frames, TestMedia.probe(out).frames(), "the output holds exactly the frames reported");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(input, out), files.sorted().toList(), "no temporary file left");
        }
    }

    /** Scrapes the child's metrics until it has written {@code frames} frames. */
    private static void awaitFramesWritten(int port, int frames, Process child) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) fail("the child ended before it was stopped, exit " + child.exitValue());
            try {
                Matcher m = FRAMES_OUT.matcher(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body());
                if (m.find() && Double.parseDouble(m.group(1)) >= frames) return;
            } catch (IOException notYetListening) {
                // the child is still starting
            }
            Thread.sleep(100);
        }
        fail("no " + frames + " frames written within a minute");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
