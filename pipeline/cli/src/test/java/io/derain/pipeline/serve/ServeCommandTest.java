package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derain.pipeline.live.RtspCamera;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code derain serve} in a child JVM with real RTSP cameras (the live tests' gst-rtsp-server fixture) and the
 * bundled model: the cameras record through one model in shared batches, one camera whose output cannot be made
 * fails alone, and SIGTERM commits every output.
 */
@Tag("live")
@Timeout(180)
class ServeCommandTest {
    private static final Pattern INFERRED = Pattern.compile("inferred (\\d+) frames in (\\d+) batches");

    @TempDir
    Path dir;

    @Test
    void camerasRecordThroughSharedBatchesAndABrokenOneFailsAlone() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        try (RtspCamera one = RtspCamera.start(); RtspCamera two = RtspCamera.start()) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n",
                    "model: lite",
                    "batch: 3",
                    "max-wait: 200ms",
                    "cameras:",
                    "  - {id: cam1, input: \"" + one.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 2}",
                    "  - {id: cam2, input: \"" + two.url() + "\", output: \"" + dir.resolve("cam2.mp4") + "\", fps: 2}",
                    "  - {id: cam3, input: \"" + one.url() + "\", output: \"" + dir.resolve("missing/cam3.mp4") + "\", fps: 2}",
                    ""));
            Path log = dir.resolve("serve.log");
            Process serve = serve(log, "--config", config.toString());
            try {
                awaitFrames(dir.resolve("cam1.mp4"), dir.resolve("cam2.mp4"), serve, log);
                Thread.sleep(10_000);
                serve.destroy(); // SIGTERM
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
            String err = Files.readString(log);
            assertEquals(143, serve.exitValue(), err);
            assertTrue(err.contains("cam3: failed: ") && err.contains("missing"), "the broken camera fails alone:\n" + err);
            for (String cam : List.of("cam1", "cam2")) {
                TestMedia.Probe video = TestMedia.probe(dir.resolve(cam + ".mp4"));
                assertTrue(video.frames() >= 5, cam + ": " + video + "\n" + err);
            }
            Matcher m = INFERRED.matcher(err);
            assertTrue(m.find(), err);
            long frames = Long.parseLong(m.group(1)), batches = Long.parseLong(m.group(2));
            assertTrue(frames > batches, "frames of the two cameras shared batches: " + m.group() + "\n" + err);
        }
    }

    @Test
    void readinessFollowsTheCamerasAndHealthTheInference() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        int port = freePort();
        try (RtspCamera camera = RtspCamera.start()) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n",
                    "model: lite",
                    "cameras:",
                    "  - {id: cam1, input: \"" + camera.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 2}",
                    ""));
            Path log = dir.resolve("serve.log");
            camera.kill(); // not up yet when serve starts
            Process serve = serve(log, "--config", config.toString(), "--http", "127.0.0.1:" + port);
            try {
                awaitProbe(port, "/readyz", 503, "cam1: connecting", 90, serve, log);
                camera.restart();
                awaitProbe(port, "/readyz", 200, "ok", 90, serve, log);
                assertEquals(200, get(port, "/healthz").statusCode());
                String scrape = get(port, "/metrics").body();
                assertTrue(scrape.contains("derain_frames_out_total{camera=\"cam1\"}")
                        && scrape.contains("derain_source_connected{camera=\"cam1\",direction=\"in\"} 1.0")
                        && scrape.contains("derain_build_info{model=\"lite\"") && scrape.contains("process_resident_memory_bytes "), scrape);
                if (io.derain.pipeline.cli.Promtool.available()) {
                    var check = io.derain.pipeline.cli.Promtool.run(scrape, "check", "metrics");
                    assertEquals("", check.output().strip(), "promtool check metrics on serve's scrape");
                    assertEquals(0, check.exitCode());
                }
                camera.kill();
                awaitProbe(port, "/readyz", 503, "cam1: reconnecting", 30, serve, log);
                camera.restart();
                awaitProbe(port, "/readyz", 200, "ok", 30, serve, log);
                assertEquals(405, send(port, "POST", "/readyz", null, null).statusCode());
                serve.destroy();
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
            String err = Files.readString(log);
            assertEquals(143, serve.exitValue(), err);
            assertTrue(err.contains("cam1: stopped"), err);
        }
    }

    /**
     * Three cameras; one's server is killed and restarted: it reconnects, and the other two keep every frame their
     * rate keeps (no latency drop, no reconnect, frames at their rate throughout). 1 fps each: three cameras' frames
     * fit the lite model's time on a loaded 2-core machine.
     */
    @Test
    void aCameraKilledAndRestartedReconnectsAndTheOthersMissNothing() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        int port = freePort();
        try (RtspCamera one = RtspCamera.start(); RtspCamera two = RtspCamera.start(); RtspCamera three = RtspCamera.start()) {
            List<String> lines = new java.util.ArrayList<>(List.of("model: lite", "batch: 3", "max-wait: 100ms", "cameras:"));
            RtspCamera[] servers = {one, two, three};
            for (int i = 0; i < 3; i++) {
                lines.add("  - {id: cam" + (i + 1) + ", input: \"" + servers[i].url() + "\", output: \"" + dir.resolve("cam" + (i + 1) + ".mp4")
                        + "\", fps: 1, max-latency: 3s}");
            }
            lines.add("");
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", lines));
            Path log = dir.resolve("serve.log");
            Process serve = serve(log, "--config", config.toString(), "--http", "127.0.0.1:" + port);
            try {
                awaitProbe(port, "/readyz", 200, "ok", 90, serve, log);
                JsonNode before = settled(port, 60);
                long start = System.nanoTime();
                one.kill();
                awaitProbe(port, "/readyz", 503, "cam1: reconnecting", 30, serve, log);
                Thread.sleep(3000);
                one.restart();
                awaitProbe(port, "/readyz", 200, "ok", 60, serve, log);
                Thread.sleep(3000);
                JsonNode after = cameras(port);
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(camera(after, "cam1").get("reconnects").asLong() >= 1, after.toString());
                for (String id : List.of("cam2", "cam3")) {
                    JsonNode b = camera(before, id), a = camera(after, id);
                    assertEquals(0, a.get("reconnects").asLong(), id + " never reconnected: " + a);
                    for (String reason : List.of("latency", "reject")) {
                        assertEquals(b.get("drops").get(reason).asLong(), a.get("drops").get(reason).asLong(),
                                id + " dropped nothing for " + reason + " meanwhile: " + b + " then " + a);
                    }
                    long frames = a.get("frames").asLong() - b.get("frames").asLong();
                    assertTrue(frames >= Math.floor(seconds) - 2, id + ": " + frames + " frames in " + seconds + " s at 1 fps: " + a);
                    assertTrue(a.get("fps").asDouble() > 0.5, a.toString());
                    assertTrue(a.get("lens_coverage").isNumber(), "the lite model's maps give a coverage: " + a);
                }
                serve.destroy();
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
            String err = Files.readString(log);
            assertEquals(143, serve.exitValue(), err);
            for (String cam : List.of("cam1", "cam2", "cam3")) {
                assertTrue(TestMedia.probe(dir.resolve(cam + ".mp4")).frames() >= 8, cam + "\n" + err);
            }
        }
    }

    /** The cameras once each has written 5 frames (warm-up and first connections behind them), within {@code seconds}. */
    private static JsonNode settled(int port, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode all = cameras(port);
        while (System.nanoTime() < end) {
            boolean ready = true;
            for (JsonNode c : all) ready &= c.path("frames").asLong() >= 5;
            if (ready) return all;
            Thread.sleep(500);
            all = cameras(port);
        }
        throw new AssertionError("the cameras did not write 5 frames each within " + seconds + " s: " + all);
    }

    private static JsonNode cameras(int port) throws Exception {
        var r = get(port, "/api/v1/cameras");
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).get("cameras");
    }

    private static JsonNode camera(JsonNode cameras, String id) {
        for (JsonNode c : cameras) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError(id + " not listed: " + cameras);
    }

    @Test
    void healthFailsWhenInferenceHangs() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        int port = freePort();
        try (RtspCamera camera = RtspCamera.start()) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", "model: lite", "cameras:",
                    "  - {id: cam1, input: \"" + camera.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 5}", ""));
            Path log = dir.resolve("serve.log");
            // The hook holds the 10th batch in the model as a hung driver would.
            Process serve = serve(log, "--config", config.toString(), "--http", "127.0.0.1:" + port,
                    "--stall-limit", "2s", "--test-hang-inference-after", "10");
            try {
                awaitProbe(port, "/readyz", 200, "ok", 90, serve, log);
                awaitProbe(port, "/healthz", 503, "inference stalled for over 2000 ms", 30, serve, log);
                assertEquals(200, get(port, "/metrics").statusCode(), "the process itself still answers");
            } finally {
                serve.destroyForcibly();
            }
        }
    }

    @Test
    void sighupAppliesTheFilesDifferenceAndABadFileChangesNothing() throws Exception {
        // max-latency 3s: starting cam3 (its stream probe decodes frames) takes CPU on a loaded 2-core machine; a
        // drop past 3 s would be a real stall of the untouched camera.
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        try (RtspCamera one = RtspCamera.start(); RtspCamera two = RtspCamera.start()) {
            String cam1 = "  - {id: cam1, input: \"" + one.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 2, max-latency: 3s}";
            String cam2 = "  - {id: cam2, input: \"" + two.url() + "\", output: \"" + dir.resolve("cam2.mp4") + "\", fps: 2, max-latency: 3s}";
            String cam3 = "  - {id: cam3, input: \"" + two.url() + "\", output: \"" + dir.resolve("cam3.mp4") + "\", fps: 2, max-latency: 3s}";
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", "model: lite", "cameras:", cam1, cam2, ""));
            Path log = dir.resolve("serve.log");
            int port = freePort();
            Process serve = serve(log, "--config", config.toString(), "--http", "127.0.0.1:" + port);
            try {
                awaitLog(log, serve, 90, "cam1: recording", "cam2: recording");
                JsonNode before = camera(settled(port, 60), "cam1");
                long start = System.nanoTime();
                // cam2 removed, cam3 added, cam1 untouched; the file watch may see it before the signal: either applies it once.
                Files.writeString(config, String.join("\n", "model: lite", "cameras:", cam1, cam3, ""));
                hangUp(serve);
                awaitLog(log, serve, 10, "reload: removed [cam2], added [cam3], restarted [], untouched 1", "cam3: recording");
                assertTrue(TestMedia.probe(dir.resolve("cam2.mp4")).frames() > 0, "the removed camera's output is committed");
                Thread.sleep(2000);
                JsonNode after = camera(cameras(port), "cam1");
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(0, after.get("reconnects").asLong(), "cam1 untouched: " + after);
                assertEquals(before.get("drops").get("latency").asLong(), after.get("drops").get("latency").asLong(), "no gap: " + before + " then " + after);
                assertTrue(after.get("frames").asLong() - before.get("frames").asLong() >= Math.floor(2 * seconds) - 2,
                        "cam1 kept its rate through the reload: " + before + " then " + after + " in " + seconds + " s");
                // A malformed file: one line, nothing changes.
                Files.writeString(config, "model: lite\ncameras: [\n");
                hangUp(serve);
                awaitLog(log, serve, 10, "reload failed: " + config + ": not valid YAML");
                Thread.sleep(1000);
                serve.destroy();
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
            String err = Files.readString(log);
            assertEquals(1, err.split("cam1: recording", -1).length - 1, "cam1 was never restarted:\n" + err);
            assertTrue(err.contains("cam1: stopped") && err.contains("cam3: stopped"), "both still ran until SIGTERM:\n" + err);
        }
    }

    @Test
    void theCamerasApiChangesCamerasOnlyWithTheTokenBeyondLoopback() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        int port = freePort();
        try (RtspCamera one = RtspCamera.start()) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", "model: lite", "cameras:",
                    "  - {id: cam1, input: \"" + one.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 2}", ""));
            // Beyond loopback without a token: refused before anything starts.
            Path refusedLog = dir.resolve("refused.log");
            Process refused = serve(refusedLog, "--config", config.toString(), "--http", "0.0.0.0:" + port);
            assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
            String refusal = Files.readString(refusedLog);
            assertEquals(2, refused.exitValue(), refusal);
            assertTrue(refusal.contains("needs a token"), refusal);

            Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret-token-0123456789\n");
            Path log = dir.resolve("serve.log");
            Process serve = serve(log, "--config", config.toString(), "--http", "0.0.0.0:" + port, "--token-file", tokenFile.toString());
            try {
                awaitProbe(port, "/readyz", 200, "ok", 90, serve, log);
                var listed = get(port, "/api/v1/cameras");
                assertEquals(200, listed.statusCode());
                assertTrue(listed.body().contains("\"id\":\"cam1\"") && listed.body().contains("\"state\":\"running\""), listed.body());
                String cam2 = "{\"id\": \"cam2\", \"input\": \"" + one.url() + "\", \"output\": \"" + dir.resolve("cam2.mp4") + "\", \"fps\": 2}";
                assertEquals(401, send(port, "POST", "/api/v1/cameras", cam2, null).statusCode());
                assertEquals(401, send(port, "POST", "/api/v1/cameras", cam2, "wrong-token-0123456789").statusCode());
                var bad = send(port, "POST", "/api/v1/cameras", "{\"id\": \"cam2\", \"fsp\": 2}", "s3cret-token-0123456789");
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(bad.body().contains("fsp: unknown key"), bad.body());
                var added = send(port, "POST", "/api/v1/cameras", cam2, "s3cret-token-0123456789");
                assertEquals(201, added.statusCode(), added.body());
                awaitLog(log, serve, 30, "cam2: recording");
                assertTrue(get(port, "/metrics").body().contains("camera=\"cam2\""), "the added camera's meters");
                assertEquals(401, send(port, "DELETE", "/api/v1/cameras/cam2", null, null).statusCode());
                var removed = send(port, "DELETE", "/api/v1/cameras/cam2", null, "s3cret-token-0123456789");
                assertEquals(200, removed.statusCode(), removed.body());
                awaitLog(log, serve, 30, "removed [cam2]");
                assertTrue(!get(port, "/api/v1/cameras").body().contains("cam2"));
                assertTrue(!get(port, "/metrics").body().contains("camera=\"cam2\""), "a removed camera leaves no series");
                serve.destroy();
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            } finally {
                serve.destroyForcibly();
            }
            String err = Files.readString(log);
            assertTrue(!err.contains("s3cret"), "the token is never printed:\n" + err);
            assertEquals(1, err.split("cam1: recording", -1).length - 1, "cam1 was never restarted:\n" + err);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static java.net.http.HttpResponse<String> send(int port, String method, String path, String body, String token)
            throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .timeout(java.time.Duration.ofSeconds(60))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** {@code derain serve ARGS} in a child JVM on this test's classes, its output to {@code log}. */
    private static Process serve(Path log, String... args) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "serve"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void hangUp(Process serve) throws Exception {
        new ProcessBuilder("/bin/kill", "-HUP", Long.toString(serve.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    private static void awaitLog(Path log, Process serve, int seconds, String... lines) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String err = Files.readString(log);
            if (java.util.Arrays.stream(lines).allMatch(err::contains)) return;
            assertTrue(serve.isAlive(), "serve ended early:\n" + err);
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + seconds + " s: " + java.util.Arrays.toString(lines) + "\n" + Files.readString(log));
    }

    private static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(java.time.Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitProbe(int port, String path, int status, String text, int seconds, Process serve, Path log)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < end) {
            assertTrue(serve.isAlive(), "serve ended early:\n" + Files.readString(log));
            try {
                var r = get(port, path);
                last = r.statusCode() + " " + r.body().strip();
                if (r.statusCode() == status && r.body().contains(text)) return;
            } catch (java.io.IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + ": expected " + status + " '" + text + "' within " + seconds + " s, last " + last
                + "\n" + Files.readString(log));
    }

    /** Until both outputs' partial files exist (the cameras are recording), within 90 s. */
    private static void awaitFrames(Path a, Path b, Process serve, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            String err = Files.readString(log);
            if (err.contains("cam1: recording") && err.contains("cam2: recording")) return;
            assertTrue(serve.isAlive(), "serve ended early:\n" + err);
            Thread.sleep(200);
        }
        throw new AssertionError("the cameras did not start recording within 90 s:\n" + Files.readString(log));
    }
}
