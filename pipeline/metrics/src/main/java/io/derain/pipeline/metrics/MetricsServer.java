package io.derain.pipeline.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Prometheus registry at {@code http://HOST:PORT/metrics}: on the loopback interface unless told
 * otherwise ({@code 0.0.0.0} in a container, where Prometheus scrapes from another host). Lives as long as the
 * job: {@link #close()} stops the server and the registry.
 */
public final class MetricsServer implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Scrapes served at once: a stalled client holds one, the others still answer Prometheus. */
    private static final int THREADS = 4;

    static {
        // The JDK's server reads a request on its executor's thread and by default waits for the rest of one
        // forever: a client that sends half a request (a port scan, a scrape cut off by the network) would
        // take a thread for good. Read once, at the JVM's first HttpServer; a -D on the command line wins. No limit on
        // the time to take a response: live streams last as long as their viewer (they bound their own writes).
        setIfAbsent("sun.net.httpserver.maxReqTime", "5");   // seconds to send a request
    }

    /** Reads (scrapes, probes, listings): far above what Prometheus, an orchestrator and a few people send. */
    static final double READS_PER_SECOND = 50;
    static final int READ_BURST = 100;
    /** Changes (POST, DELETE): each one may start or stop a camera. */
    static final double CHANGES_PER_SECOND = 2;
    static final int CHANGE_BURST = 10;

    private final RequestRate reads;
    private final RequestRate changes;
    private final com.sun.net.httpserver.Filter limit = new com.sun.net.httpserver.Filter() {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            String method = exchange.getRequestMethod();
            boolean read = method.equals("GET") || method.equals("HEAD");
            if ((read ? reads : changes).tryAcquire()) {
                chain.doFilter(exchange);
                return;
            }
            try (exchange) {
                byte[] body = ("too many requests: at most " + (read ? READS_PER_SECOND + " reads" : CHANGES_PER_SECOND + " changes")
                        + " a second\n").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Retry-After", "1");
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(429, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        @Override
        public String description() {
            return "request rate limit";
        }
    };
    private final java.util.Map<String, java.util.function.Supplier<String>> probes = new java.util.concurrent.ConcurrentHashMap<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService executor;
    private final HttpServer server;
    private final ProcessMetrics process = new ProcessMetrics();

    private MetricsServer(HttpServer server, ExecutorService executor, RequestRate reads, RequestRate changes) {
        this.server = server;
        this.executor = executor;
        this.reads = reads;
        this.changes = changes;
    }

    /**
     * Like {@link #start(String, int)}, every meter labelled {@code key="value"} (e.g. the camera) so that the
     * series of many jobs (a fleet scraped by one Prometheus) stay apart.
     */
    public static MetricsServer start(String host, int port, String key, String value) throws IOException {
        MetricsServer server = open(host, port);
        server.registry.config().commonTags(key, value); // before any meter is registered
        server.process.bindTo(server.registry);
        return server;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port, see {@link #port()}) and starts serving. */
    public static MetricsServer start(int port) throws IOException {
        return start(InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    /** Binds {@code host:port} (a host name or address; 0.0.0.0 for every interface) and starts serving. */
    public static MetricsServer start(String host, int port) throws IOException {
        MetricsServer server = open(host, port);
        server.process.bindTo(server.registry);
        return server;
    }

    /** Loopback with the given rate limits: lets a test see a limit bite without flooding the machine. */
    static MetricsServer startLimited(RequestRate reads, RequestRate changes) throws IOException {
        MetricsServer server = open(InetAddress.getLoopbackAddress().getHostAddress(), 0, reads, changes);
        server.process.bindTo(server.registry);
        return server;
    }

    private static MetricsServer open(String host, int port) throws IOException {
        return open(host, port, new RequestRate(READS_PER_SECOND, READ_BURST), new RequestRate(CHANGES_PER_SECOND, CHANGE_BURST));
    }

    private static MetricsServer open(String host, int port, RequestRate reads, RequestRate changes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 8);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "derain-metrics");
            t.setDaemon(true);
            return t;
        });
        MetricsServer metrics = new MetricsServer(server, executor, reads, changes);
        metrics.context("/metrics", metrics::scrape);
        metrics.probe("/healthz", () -> null); // the process answers; a command with a better signal replaces it
        server.setExecutor(executor);
        server.start();
        return metrics;
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) System.setProperty(property, value);
    }

    private void scrape(HttpExchange exchange) throws IOException {
        respond(exchange, () -> 200, CONTENT_TYPE, registry::scrape);
    }

    /** GET or HEAD only (405 otherwise): the status and body asked for, the body left out for HEAD. */
    private static void respond(HttpExchange exchange, java.util.function.IntSupplier status, String contentType,
                                java.util.function.Supplier<String> body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            int code = status.getAsInt();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /**
     * Serves a health or readiness probe at {@code path}: 200 "ok" while {@code problems} returns null or nothing,
     * else 503 with its text (one reason per line). For orchestrators (Docker's HEALTHCHECK, Kubernetes probes).
     * {@code /healthz} is served from the start as "the process answers"; a later probe on a path replaces its check.
     */
    public void probe(String path, java.util.function.Supplier<String> problems) {
        if (probes.put(path, problems) != null) return; // replaced: the context asks the map
        context(path, exchange -> {
            String p = probes.get(path).get(); // asked once: status and body agree
            boolean ok = p == null || p.isBlank();
            respond(exchange, () -> ok ? 200 : 503, "text/plain; charset=utf-8", () -> (ok ? "ok" : p.strip()) + "\n");
        });
    }

    /**
     * Serves {@code handler} under {@code path} on this server's threads (request deadlines and rate limits as for
     * scrapes: {@value #READS_PER_SECOND} reads and {@value #CHANGES_PER_SECOND} changes a second, 429 beyond).
     */
    public void route(String path, com.sun.net.httpserver.HttpHandler handler) {
        context(path, handler);
    }

    /** Every path goes through the rate limit: a 429 with Retry-After beyond it. */
    private void context(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(limit);
    }

    public MeterRegistry registry() { return registry; }

    /**
     * {@code derain_build_info{version,model,weights} 1}: which build and which weights answer here, to join on in
     * queries and to tell two trainings apart on a dashboard. Once per server.
     */
    public void buildInfo(String version, String model, String weights) {
        io.micrometer.core.instrument.Gauge.builder("derain.build.info", () -> 1)
                .description("The build and the model's weights of this process (value 1)")
                .tag("version", version == null ? "unknown" : version).tag("model", model == null ? "none" : model)
                .tag("weights", weights == null ? "unknown" : weights).register(registry);
    }

    /** The port actually bound. */
    public int port() { return server.getAddress().getPort(); }

    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress();
        return "http://" + host + ":" + a.getPort() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        process.close();
        registry.close();
    }
}
