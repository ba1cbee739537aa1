package io.derain.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.serve.CameraHistory;
import io.derain.pipeline.serve.http.CameraJson;
import io.derain.pipeline.serve.http.CameraViewsApi;
import io.derain.pipeline.serve.http.CamerasApi;
import io.derain.pipeline.serve.http.MjpegStreams;
import io.derain.pipeline.serve.http.WebPage;
import io.derain.pipeline.view.LiveView;
import io.derain.pipeline.view.SnapshotJpeg;
import io.derain.pipeline.view.ViewJpegs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code derain run --metrics-port}'s live view: the page {@code serve} shows, with the one camera this run derains
 * ({@code GET /api/v1/cameras}, its snapshot, stream and history). Read only: cameras change in {@code serve}.
 * Owns its viewer threads and history sampler; not the job or the server.
 */
final class RunWebView implements AutoCloseable {
    private final ViewJpegs pictures = new ViewJpegs(new LiveView(Duration.ofMillis(200)), new SnapshotJpeg(960, 80));
    private final CameraHistory history = new CameraHistory();
    private final MjpegStreams streams = new MjpegStreams(32, PipelineSettings.DAEMON_THREADS);
    private final ObjectMapper json = new ObjectMapper();
    private HistorySampler sampler;

    /** The view the job shows its frames to ({@code JobSettings.view}). */
    LiveView view() {
        return pictures.view();
    }

    /** Serves the page and the job's camera on {@code server}, and samples its history each second. */
    void serve(MetricsServer server, DerainJob job, String input, String output) {
        String id = job.cameraId();
        CameraViewsApi views = new CameraViewsApi(streams);
        sampler = new HistorySampler(() -> history.sample(System.currentTimeMillis(), job.pipeline().stats()));
        server.route("/", new WebPage());
        server.route(CamerasApi.PATH, exchange -> {
            String path = exchange.getRequestURI().getPath().substring(CamerasApi.PATH.length());
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "{\"error\":\"derain run has one camera and changes none; derain serve does\"}");
            } else if (path.isEmpty() || path.equals("/")) {
                ObjectNode camera = json.createObjectNode().put("id", id).put("state", "running")
                        .put("input", CameraSettings.redact(input)).put("output", CameraSettings.redact(output));
                CameraJson.putStats(camera, job);
                ObjectNode body = json.createObjectNode();
                body.putArray("cameras").add(camera);
                send(exchange, 200, body.toString());
            } else if (path.startsWith("/" + id + "/") && CameraViewsApi.handles(path.substring(id.length() + 2))) {
                views.handle(exchange, pictures, history, path.substring(id.length() + 2)); // a stream keeps it open
            } else {
                send(exchange, 404, "{\"error\":\"no such camera or resource\"}");
            }
        });
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        if (sampler != null) sampler.close();
        streams.close();
    }
}
