package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import io.derain.pipeline.live.RtspCamera;
import io.derain.pipeline.source.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped dashboard against the real thing: Debian's Prometheus scrapes a running {@code derain serve} (a real
 * RTSP camera) and a running {@code derain worker} (a real broker) every second, and every query of
 * {@code deploy/grafana/derain.json} returns at least one series.
 */
@Tag("live")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DashboardQueriesTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryReturnsASeries() throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        assumeTrue(io.derain.pipeline.cli.Promtool.available() && Files.isExecutable(PROMETHEUS), "prometheus is not installed");
        Map<String, String> queries = queries();
        assertTrue(queries.size() >= 10, "the dashboard's queries: " + queries);
        int servePort = freePort(), workerPort = freePort(), promPort = freePort();
        try (RtspCamera camera = RtspCamera.start();
             EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")))) {
            Path config = Files.writeString(dir.resolve("cameras.yaml"), String.join("\n", "model: lite", "cameras:",
                    "  - {id: cam1, input: \"" + camera.url() + "\", output: \"" + dir.resolve("cam1.mp4") + "\", fps: 2, max-latency: 3s}", ""));
            Path log = dir.resolve("serve.log");
            Process serve = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                    "-cp", System.getProperty("java.class.path"), "io.derain.pipeline.cli.DerainCli", "serve",
                    "--config", config.toString(), "--http", "127.0.0.1:" + servePort))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process prometheus = null;
            CompletableFuture<Integer> worker = null;
            try {
                String at = "kafka://" + broker.bootstrap();
                assertEquals(0, cli("run", TestMedia.smallClip(dir.resolve("small.mp4"), 12).toString(), "-o", at + "/frames.raw",
                        "--model", "none", "--camera", "cam7", "-q"));
                worker = CompletableFuture.supplyAsync(() -> cli("worker", "--in", at + "/frames.raw", "--out", at + "/frames.derained",
                        "--group", "dash", "--batch", "4", "--idle-timeout", "30s", "--metrics-port", Integer.toString(workerPort), "-q"));
                Path promConfig = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                        "scrape_configs:",
                        "  - {job_name: derain-serve, static_configs: [{targets: ['127.0.0.1:" + servePort + "']}]}",
                        "  - {job_name: derain-worker, static_configs: [{targets: ['127.0.0.1:" + workerPort + "']}]}", ""));
                prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + promConfig, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + promPort).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
                String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
                Map<String, String> missing = new LinkedHashMap<>(queries);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                while (!missing.isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(2000);
                    assertTrue(serve.isAlive(), "serve ended early:\n" + Files.readString(log));
                    for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
                        JsonNode r = query(api + URLEncoder.encode(it.next().getValue(), StandardCharsets.UTF_8));
                        if (r != null && "success".equals(r.path("status").asText()) && r.path("data").path("result").size() > 0) it.remove();
                    }
                }
                assertTrue(missing.isEmpty(), "dashboard queries without a series after 150 s of scraping: " + missing
                        + "\nserve:\n" + Files.readString(log));
            } finally {
                if (prometheus != null) {
                    prometheus.destroy();
                    if (!prometheus.waitFor(20, TimeUnit.SECONDS)) prometheus.destroyForcibly();
                }
                serve.destroy();
                if (!serve.waitFor(60, TimeUnit.SECONDS)) serve.destroyForcibly();
                if (worker != null) worker.get(90, TimeUnit.SECONDS);
            }
        }
    }

    /** Each panel's queries, "panel title / refId" → expression. */
    private static Map<String, String> queries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(TestMedia.repoRoot().resolve("deploy/grafana/derain.json").toFile());
        Map<String, String> q = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) q.put(panel.get("title").asText() + " / " + target.get("refId").asText(), target.get("expr").asText());
        }
        return q;
    }

    private static JsonNode query(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        } catch (Exception notYet) {
            return null; // Prometheus still starting
        }
    }

    private static int cli(String... args) {
        StringWriter err = new StringWriter();
        var cli = io.derain.pipeline.cli.DerainCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        if (code != 0) System.err.println(String.join(" ", args) + ": " + err);
        return code;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
