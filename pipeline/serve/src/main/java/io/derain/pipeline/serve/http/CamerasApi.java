package io.derain.pipeline.serve.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.derain.pipeline.InputException;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.serve.CameraConfig;
import io.derain.pipeline.serve.CameraRunner;
import io.derain.pipeline.serve.Cameras;
import io.derain.pipeline.serve.ServeConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/cameras}: {@code GET} lists the cameras (state, frames, fps now, drops by reason, reconnects, lens
 * coverage (share of the lens the raindrop maps call drops, smoothed; null without maps); URLs with credentials
 * masked), {@code POST} starts one (a camera as in the cameras file, as JSON), {@code DELETE /api/v1/cameras/ID}
 * stops one with its output committed. Changes need the bearer token when one is set (the CLI sets one whenever it
 * binds beyond loopback); bodies are at most 64 KiB; a bad request is 400 with one line and changes nothing.
 */
public final class CamerasApi implements HttpHandler {
    public static final String PATH = "/api/v1/cameras";
    static final int MAX_BODY = 64 * 1024;
    private final Cameras cameras;
    private final byte[] token;
    private final Consumer<String> events;
    private final ObjectMapper json = new ObjectMapper();
    private final CameraViewsApi views;
    private static final Pattern VIEW = Pattern.compile("/([A-Za-z0-9._-]{1,64})/([a-z.]{1,20})");

    /**
     * @param token the bearer token changes need, or null where any local caller may change cameras
     * @param views each camera's pictures and history ({@code GET /api/v1/cameras/ID/snapshot.jpg} and so on)
     */
    public CamerasApi(Cameras cameras, String token, Consumer<String> events, CameraViewsApi views) {
        this.cameras = cameras;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.events = events;
        this.views = views;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rest = exchange.getRequestURI().getPath().substring(PATH.length());
        Matcher view = VIEW.matcher(rest);
        if (method.equals("GET") && view.matches() && CameraViewsApi.handles(view.group(2))) {
            CameraRunner camera = cameras.find(view.group(1));
            if (camera != null) {
                views.handle(exchange, camera.pictures(), camera.history(), view.group(2)); // a stream keeps the exchange open
                return;
            }
            try (exchange) {
                send(exchange, 404, error("no camera " + view.group(1)));
            }
            return;
        }
        try (exchange) {
            if (method.equals("GET") && (rest.isEmpty() || rest.equals("/"))) {
                send(exchange, 200, list());
            } else if (method.equals("POST") && (rest.isEmpty() || rest.equals("/"))) {
                if (authorized(exchange)) add(exchange);
            } else if (method.equals("DELETE") && rest.matches("/[A-Za-z0-9._-]{1,64}")) {
                if (authorized(exchange)) remove(exchange, rest.substring(1));
            } else {
                send(exchange, 405, error("use GET or POST " + PATH + ", or DELETE " + PATH + "/ID"));
            }
        }
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        if (token == null) return true;
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] presented = given != null && given.startsWith("Bearer ") ? given.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(presented, token)) return true; // constant time
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, error("a bearer token is needed to change cameras"));
        return false;
    }

    private void add(HttpExchange exchange) throws IOException {
        String body = body(exchange);
        if (body == null) return;
        CameraConfig camera;
        try {
            camera = ServeConfigFile.parseCamera(body, "POST " + PATH);
        } catch (InputException e) {
            send(exchange, 400, error(e.getMessage()));
            return;
        }
        List<CameraConfig> next = configs();
        if (next.stream().anyMatch(c -> c.id().equals(camera.id()))) {
            send(exchange, 409, error("camera " + camera.id() + " already runs; DELETE it first"));
            return;
        }
        next.add(camera);
        events.accept("api: " + cameras.apply(next));
        send(exchange, 201, entry(camera.id()));
    }

    private void remove(HttpExchange exchange, String id) throws IOException {
        List<CameraConfig> next = configs();
        if (!next.removeIf(c -> c.id().equals(id))) {
            send(exchange, 404, error("no camera " + id));
            return;
        }
        events.accept("api: " + cameras.apply(next));
        send(exchange, 200, json.createObjectNode().put("id", id).put("state", "removed").toString());
    }

    private List<CameraConfig> configs() {
        List<CameraConfig> list = new ArrayList<>();
        for (CameraRunner r : cameras.all()) list.add(r.config());
        return list;
    }

    /** The body, or null after a 400/413 was sent. */
    private String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                send(exchange, 413, error("a camera is at most " + MAX_BODY + " bytes of JSON"));
                return null;
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private String list() {
        ArrayNode all = json.createArrayNode();
        for (CameraRunner r : cameras.all()) all.add(node(r));
        return json.createObjectNode().set("cameras", all).toString();
    }

    private String entry(String id) {
        for (CameraRunner r : cameras.all()) if (r.config().id().equals(id)) return node(r).toString();
        return json.createObjectNode().put("id", id).toString();
    }

    private ObjectNode node(CameraRunner r) {
        ObjectNode n = json.createObjectNode();
        n.put("id", r.config().id());
        n.put("state", r.state().name().toLowerCase(java.util.Locale.ROOT));
        n.put("input", CameraSettings.redact(r.config().input()));
        n.put("output", CameraSettings.redact(r.config().output()));
        if (r.problem() != null) n.put("problem", r.problem());
        DerainJob job = r.job();
        if (job != null && job.pipeline() != null) {
            CameraJson.putStats(n, job);
        } else if (r.report() != null) {
            n.put("frames", r.report().frames());
        }
        return n;
    }

    private String error(String message) {
        return json.createObjectNode().put("error", message).toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
