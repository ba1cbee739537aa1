package io.derain.pipeline.serve.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.derain.pipeline.serve.CameraHistory;
import io.derain.pipeline.view.Panel;
import io.derain.pipeline.view.ViewJpegs;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What one camera looks like, under {@code /api/v1/cameras/ID/}: {@code snapshot.jpg} (the latest derained frame, or
 * {@code ?view=input|derained|map|side-by-side}), {@code stream.mjpeg} (the same live, {@code &fps=} up to 10) and
 * {@code history} (the last minutes' fps, lens coverage and latency, one sample a second, {@code ?seconds=} up to
 * 600). A bad parameter is 400 with one line.
 */
public final class CameraViewsApi {
    /** How long a snapshot waits for the first capture of a camera nobody watched yet. */
    private static final Duration FIRST_CAPTURE = Duration.ofSeconds(3);
    private static final double MAX_FPS = 10;

    private final MjpegStreams streams;
    private final ObjectMapper json = new ObjectMapper();

    public CameraViewsApi(MjpegStreams streams) {
        this.streams = streams;
    }

    /** Whether {@code rest} (after the camera's id) is one of these resources. */
    public static boolean handles(String rest) {
        return rest.equals("snapshot.jpg") || rest.equals("stream.mjpeg") || rest.equals("history");
    }

    /** Answers a GET of {@code resource} for one camera; closes the exchange unless a stream keeps it. */
    public void handle(HttpExchange exchange, ViewJpegs pictures, CameraHistory history, String resource) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        switch (resource) {
            case "history" -> history(exchange, history, query);
            case "snapshot.jpg" -> snapshot(exchange, pictures, query);
            default -> stream(exchange, pictures, query);
        }
    }

    private void snapshot(HttpExchange exchange, ViewJpegs pictures, Map<String, String> query) throws IOException {
        try (exchange) {
            Panel panel = panel(exchange, query);
            if (panel == null) return;
            ViewJpegs.Jpeg jpeg = pictures.latest(panel);
            if (jpeg == null) { // nobody watched: capturing starts now, the next written frame is it
                try {
                    jpeg = pictures.awaitNewer(panel, 0, FIRST_CAPTURE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (jpeg == null) {
                send(exchange, 503, "text/plain; charset=utf-8", "no frame yet: the camera has written none within "
                        + FIRST_CAPTURE.toSeconds() + " s\n");
                return;
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Frame-Index", Long.toString(jpeg.index()));
            send(exchange, 200, "image/jpeg", jpeg.bytes());
        }
    }

    private void stream(HttpExchange exchange, ViewJpegs pictures, Map<String, String> query) throws IOException {
        Panel panel = panel(exchange, query);
        if (panel == null) {
            exchange.close();
            return;
        }
        double fps = 5;
        String asked = query.get("fps");
        if (asked != null) {
            try {
                fps = Double.parseDouble(asked);
            } catch (NumberFormatException e) {
                fps = Double.NaN;
            }
            if (!(fps > 0 && fps <= MAX_FPS)) {
                try (exchange) {
                    send(exchange, 400, "text/plain; charset=utf-8", "fps: expected a rate above 0 and at most " + (int) MAX_FPS + ", got '" + asked + "'\n");
                }
                return;
            }
        }
        streams.stream(exchange, pictures, panel, fps);
    }

    private void history(HttpExchange exchange, CameraHistory history, Map<String, String> query) throws IOException {
        try (exchange) {
            int seconds = 300;
            String asked = query.get("seconds");
            if (asked != null) {
                try {
                    seconds = Integer.parseInt(asked);
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (seconds < 1 || seconds > CameraHistory.SECONDS) {
                    send(exchange, 400, "text/plain; charset=utf-8", "seconds: expected 1 to " + CameraHistory.SECONDS + ", got '" + asked + "'\n");
                    return;
                }
            }
            CameraHistory.Series s = history.last(seconds);
            ObjectNode body = json.createObjectNode();
            ArrayNode t = body.putArray("t"), fps = body.putArray("fps"), coverage = body.putArray("coverage"),
                    latency = body.putArray("latency_seconds");
            for (int i = 0; i < s.epochMillis().length; i++) {
                t.add(s.epochMillis()[i]);
                number(fps, s.fps()[i]);
                number(coverage, s.coverage()[i]);
                number(latency, s.latencySeconds()[i]);
            }
            send(exchange, 200, "application/json", body.toString());
        }
    }

    private static void number(ArrayNode array, double value) {
        if (Double.isFinite(value)) array.add(Math.round(value * 10_000) / 10_000.0);
        else array.addNull();
    }

    private static Panel panel(HttpExchange exchange, Map<String, String> query) throws IOException {
        String view = query.getOrDefault("view", "derained");
        Panel panel = Panel.of(view);
        if (panel == null) {
            send(exchange, 400, "text/plain; charset=utf-8", "view: expected input, derained, map or side-by-side, got '" + view + "'\n");
        }
        return panel;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.length() > 1024) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
