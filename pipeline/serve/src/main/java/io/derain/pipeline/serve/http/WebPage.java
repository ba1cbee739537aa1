package io.derain.pipeline.serve.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live view's page: {@code /} (every camera) and its script and style under {@code /ui/}, served from the jar
 * (cameras live on closed networks: nothing from a CDN, no framework). The camera page is the same page at
 * {@code /#/camera/ID}. Anything else under {@code /} is 404.
 */
public final class WebPage implements HttpHandler {
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/ui/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/ui/app.css", new String[] {"app.css", "text/css; charset=utf-8"});

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] file = FILES.get(exchange.getRequestURI().getPath());
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (file == null) {
                byte[] body = "not found\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body;
            try (InputStream in = WebPage.class.getResourceAsStream(file[0])) {
                if (in == null) throw new IOException("the jar lacks the page's " + file[0]);
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", file[1]);
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) exchange.getResponseBody().write(body);
        }
    }
}
