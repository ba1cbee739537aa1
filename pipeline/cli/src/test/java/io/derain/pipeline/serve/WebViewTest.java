package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.derain.pipeline.live.RtspCamera;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view as a person sees it: {@code derain serve} with a real RTSP camera, its page opened in headless
 * Chromium (driven over CDP): the camera's live picture changes between two screenshots, the camera page shows three
 * panels and a coverage chart with points; {@code snapshot.jpg} is a JPEG of the camera's size that changes.
 */
@Tag("live")
@Timeout(240)
class WebViewTest {
    @TempDir
    Path dir;

    @Test
    void theLiveViewShowsTheCameraInTheBrowser() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        assumeTrue(HeadlessChromium.available(), "chromium is not installed");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RtspCamera camera = RtspCamera.start()) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", "model: lite", "cameras:",
                    "  - {id: cam1, input: \"" + camera.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 5, max-latency: 3s}", ""));
            Path log = dir.resolve("serve.log");
            Process serve = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                    "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "serve",
                    "--config", config.toString(), "--http", "127.0.0.1:" + port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String base = "http://127.0.0.1:" + port;
            try {
                awaitReady(base, serve, log);

                // snapshot.jpg: a JPEG of the camera's size, another picture two seconds later
                HttpResponse<byte[]> first = get(base + "/api/v1/cameras/cam1/snapshot.jpg");
                assertEquals(200, first.statusCode(), new String(first.body()));
                assertEquals("image/jpeg", first.headers().firstValue("Content-Type").orElse(""));
                BufferedImage a = ImageIO.read(new ByteArrayInputStream(first.body()));
                assertEquals(640, a.getWidth());
                assertEquals(360, a.getHeight());
                Thread.sleep(2000);
                HttpResponse<byte[]> second = get(base + "/api/v1/cameras/cam1/snapshot.jpg");
                assertTrue(meanDifference(a, ImageIO.read(new ByteArrayInputStream(second.body())), 0, 0, 640, 360) > 1,
                        "the snapshot changed in 2 s (frames " + first.headers().firstValue("X-Frame-Index").orElse("?")
                                + " and " + second.headers().firstValue("X-Frame-Index").orElse("?") + ")");
                HttpResponse<byte[]> bad = get(base + "/api/v1/cameras/cam1/snapshot.jpg?view=sideways");
                assertEquals(400, bad.statusCode());
                assertTrue(new String(bad.body()).contains("view: expected input, derained, map or side-by-side"));
                assertEquals(404, get(base + "/api/v1/cameras/cam9/snapshot.jpg").statusCode());

                try (HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
                    browser.navigate(base + "/");
                    browser.await("document.querySelectorAll('img.live').length === 1"
                            + " && document.querySelector('img.live').naturalWidth > 0", Duration.ofSeconds(30));
                    browser.await("document.querySelector('[data-field=state]').textContent === 'running'", Duration.ofSeconds(10));
                    JsonNode box = browser.evaluate("(() => { const r = document.querySelector('img.live').getBoundingClientRect();"
                            + " return {x: r.x, y: r.y, w: r.width, h: r.height}; })()");
                    BufferedImage before = png(browser.screenshot());
                    Thread.sleep(2000);
                    BufferedImage after = png(browser.screenshot());
                    int x = box.get("x").asInt(), y = box.get("y").asInt(), w = box.get("w").asInt(), h = box.get("h").asInt();
                    assertTrue(w > 100 && h > 50, "the live picture is shown: " + box);
                    double changed = meanDifference(before, after, x, y, w, h);
                    assertTrue(changed > 1, "the live picture changed between two screenshots 2 s apart: " + changed);
                    Files.write(dir.resolve("overview.png"), browser.screenshot());

                    browser.navigate(base + "/#/camera/cam1");
                    browser.await("document.querySelectorAll('#panels .panel canvas').length === 3"
                            + " && Number(document.getElementById('panels').dataset.frames || 0) > 2", Duration.ofSeconds(30));
                    JsonNode widths = browser.evaluate("[...document.querySelectorAll('#panels canvas')].map(c => c.width)");
                    for (JsonNode width : widths) assertEquals(640, width.asInt(), "each panel is one camera frame wide: " + widths);
                    JsonNode titles = browser.evaluate("[...document.querySelectorAll('#panels h3')].map(t => t.textContent)");
                    assertEquals("[\"Input\",\"Derained\",\"Raindrop map\"]", titles.toString());
                    browser.await("Number(document.getElementById('coverage-chart').dataset.points || 0) >= 3", Duration.ofSeconds(20));
                }
                serve.destroy();
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
        }
    }

    /** {@code derain run --metrics-port} shows the same page and API for its one camera, read only. */
    @Test
    void runShowsItsOneCamera() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RtspCamera camera = RtspCamera.start()) {
            Path log = dir.resolve("run.log");
            Process run = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                    "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "run", camera.url(),
                    "-o", dir.resolve("out.mp4").toString(), "--fps", "5", "--camera", "cam1", "--metrics-port", Integer.toString(port)))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String base = "http://127.0.0.1:" + port;
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                String list = "";
                while (System.nanoTime() < end && !list.contains("\"frames\":")) {
                    assertTrue(run.isAlive(), "run ended early:\n" + Files.readString(log));
                    try {
                        list = new String(get(base + "/api/v1/cameras").body());
                    } catch (java.io.IOException notYet) {
                        // not listening yet
                    }
                    Thread.sleep(300);
                }
                assertTrue(list.contains("\"id\":\"cam1\"") && list.contains("\"state\":\"running\""), list);
                HttpResponse<byte[]> snapshot = get(base + "/api/v1/cameras/cam1/snapshot.jpg?view=side-by-side");
                assertEquals(200, snapshot.statusCode(), new String(snapshot.body()));
                assertEquals(1920, ImageIO.read(new ByteArrayInputStream(snapshot.body())).getWidth());
                assertEquals(200, get(base + "/").statusCode());
                HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cameras"))
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode(), post.body());
                run.destroy();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    private static void awaitReady(String base, Process serve, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            assertTrue(serve.isAlive(), "serve ended early:\n" + Files.readString(log));
            try {
                if (get(base + "/readyz").statusCode() == 200) return;
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("not ready within 90 s:\n" + Files.readString(log));
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static BufferedImage png(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    /** Mean absolute difference of the two pictures' grey levels over a rectangle. */
    private static double meanDifference(BufferedImage a, BufferedImage b, int x0, int y0, int w, int h) {
        double sum = 0;
        int n = 0;
        for (int y = y0; y < Math.min(y0 + h, Math.min(a.getHeight(), b.getHeight())); y += 2) {
            for (int x = x0; x < Math.min(x0 + w, Math.min(a.getWidth(), b.getWidth())); x += 2) {
                sum += Math.abs(grey(a.getRGB(x, y)) - grey(b.getRGB(x, y)));
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static int grey(int rgb) {
        return ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3;
    }
}
