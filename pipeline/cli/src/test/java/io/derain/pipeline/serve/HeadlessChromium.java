package io.derain.pipeline.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol with the JDK's own WebSocket client
 * (no driver to install): navigate, evaluate JavaScript, take screenshots. Every call has a deadline. Owns the
 * browser process and its profile directory.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    /** Whether chromium is installed; in CI (CI=true) a missing one fails instead of skipping. */
    static boolean available() {
        boolean ok = Files.isExecutable(BINARY);
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("the web view's test needs Debian's chromium (" + BINARY + ") but it is missing");
        }
        return ok;
    }

    static HeadlessChromium start(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("derain-chromium");
        Process p = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (System.nanoTime() > end || !p.isAlive()) {
                    throw new IllegalStateException("chromium did not open its DevTools port within 30 s:\n"
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = null;
            for (int attempt = 0; attempt < 50 && pageSocket == null; attempt++) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode target : new ObjectMapper().readTree(list)) {
                    if ("page".equals(target.path("type").asText())) pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
                if (pageSocket == null) Thread.sleep(100);
            }
            if (pageSocket == null) throw new IllegalStateException("chromium has no page to drive");
            return new HeadlessChromium(p, profile, http, pageSocket);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private HeadlessChromium(Process process, Path profile, HttpClient http, String pageSocket) throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(pageSocket), new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Loads {@code url} and waits for its load event's end (up to 30 s). */
    void navigate(String url) throws Exception {
        call("Page.enable", json.createObjectNode());
        call("Page.navigate", json.createObjectNode().put("url", url));
    }

    /** The value of a JavaScript expression (promises awaited), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", json.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Waits until {@code expression} is true, polling every 200 ms, at most {@code timeout}. */
    void await(String expression, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (evaluate(expression).asBoolean(false)) return;
            Thread.sleep(200);
        }
        throw new AssertionError("not true within " + timeout.toSeconds() + " s: " + expression);
    }

    /** A PNG of the viewport. */
    byte[] screenshot() throws Exception {
        JsonNode r = call("Page.captureScreenshot", json.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(r.path("data").asText());
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode m = json.readTree(text.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    }
                } catch (IOException e) {
                    // not JSON: CDP sends nothing else
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
