package io.derain.pipeline.cli;

import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.serve.CameraConfig;
import io.derain.pipeline.serve.CameraListener;
import io.derain.pipeline.serve.CameraRunner;
import io.derain.pipeline.serve.Cameras;
import io.derain.pipeline.serve.ServeConfig;
import io.derain.pipeline.serve.ServeConfigFile;
import io.derain.pipeline.serve.SharedInference;
import io.derain.pipeline.serve.http.CameraViewsApi;
import io.derain.pipeline.serve.http.CamerasApi;
import io.derain.pipeline.serve.http.MjpegStreams;
import io.derain.pipeline.serve.http.WebPage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code derain serve --config cameras.yaml}: every camera of the file in this one process, on one model, frames of
 * several cameras inferred together. Runs until SIGTERM or Ctrl-C (every output committed), or until every camera's
 * input has ended.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs every camera of a cameras file in this process on one model: frames of several cameras are "
                + "inferred together (batch, max-wait). Each camera reads and writes what 'derain run' takes; one that "
                + "fails never stops the others. Runs until SIGTERM or Ctrl-C, which commit every output."})
final class ServeCommand implements Callable<Integer> {
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /** Live streams served at once (each is one thread writing one connection). */
    private static final int MAX_VIEWERS = 32;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The cameras file (YAML: model, batch, max-wait, cameras with id, input, output, segment, fps, "
                    + "max-latency; README \"Many cameras\").")
    Path config;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve /healthz (200 while inference makes progress; 503 once a batch or a waiting frame has "
                    + "been stuck for --stall-limit), /readyz (200 once every camera records; 503 with one line per camera that "
                    + "connects, reconnects or failed) and /metrics here. Binds 127.0.0.1 unless a host is given.")
    String http;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The bearer token POST and DELETE on /api/v1/cameras need (first line of FILE; or the "
                    + "DERAIN_TOKEN environment variable). Required when --http binds beyond loopback; never printed.")
    Path tokenFile;

    @Option(names = "--stall-limit", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "/healthz fails once a batch or a waiting frame has been stuck in inference this long "
                    + "(default: ${DEFAULT-VALUE}, far above a batch's time at 4K on a CPU).")
    Duration stallLimit;

    /** Test hook: inference hangs after this many batches, to see /healthz fail. */
    @Option(names = "--test-hang-inference-after", hidden = true, paramLabel = "N")
    Long hangAfter;

    @Option(names = {"-q", "--quiet"}, description = "Only errors on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (stallLimit.toMillis() < 100) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stall-limit: at least 100ms");
        ServeConfig cfg = ServeConfigFile.read(config); // bad file: one line, exit 2, before any model loads
        String[] listen = listen();
        String token = token(listen);
        PrintWriter err = spec.commandLine().getErr();
        for (CameraConfig c : cfg.cameras()) {
            Path out = Path.of(c.output());
            if (c.segment() == null && !c.output().contains("://") && Files.exists(out)) {
                throw new io.derain.pipeline.InputException(config + ": camera " + c.id() + ": " + out + " exists; serve never overwrites a recording");
            }
        }
        try (StopOnShutdown hook = new StopOnShutdown(STOP_GRACE);
             DerainOperator operator = new DerainOperator(ModelCatalog.open(cfg.model(), null),
                     ComputeDevice.select(ComputeDevice.Kind.AUTO), DerainSettings.defaults().withBatch(cfg.batch())
                     .withPrecision(cfg.precision()));
             SharedInference shared = new SharedInference(hangAfter == null ? operator : new HangingOperator(operator, hangAfter), cfg.batch(), cfg.maxWait(), PipelineSettings.DAEMON_THREADS);
             MetricsServer server = listen == null ? null : MetricsServer.start(listen[0], Integer.parseInt(listen[1]));
             Cameras cameras = new Cameras(shared, PipelineSettings.DAEMON_THREADS, line -> say(err, line),
                     server == null ? CameraListener.NONE : new CameraMeters(server.registry()));
             MjpegStreams streams = new MjpegStreams(MAX_VIEWERS, PipelineSettings.DAEMON_THREADS);
             HistorySampler history = new HistorySampler(cameras::sampleHistory)) {
            hook.onStop(cameras::stopAll);
            say(err, "serving " + cfg.cameras().size() + " cameras on " + operator.describe() + ", batches of up to "
                    + cfg.batch() + " frames");
            for (CameraConfig c : cfg.cameras()) cameras.start(c);
            if (server != null) { // after the cameras started: readiness is never "ok" for a set still empty
                server.probe("/healthz", () -> shared.stalled(stallLimit) ? "inference stalled for over " + stallLimit.toMillis() + " ms" : null);
                server.probe("/readyz", cameras::notReady);
                server.buildInfo(Version.number(), java.nio.file.Path.of(cfg.model()).getFileName().toString(),
                        ModelOptions.digest(cfg.model(), null));
                server.route(CamerasApi.PATH, new CamerasApi(cameras, token, line -> say(err, line), new CameraViewsApi(streams)));
                server.route("/", new WebPage());
                say(err, "live view, health, readiness, metrics and the cameras API on http://" + listen[0] + ":" + server.port()
                        + " (/, /healthz, /readyz, /metrics, " + CamerasApi.PATH + (token != null ? ", changes with the token" : "") + ")");
            }
            watchForChanges(cfg, cameras, err, hook);
            cameras.close(); // every output committed before the model goes
            for (CameraRunner r : cameras.all()) {
                say(err, r.config().id() + ": " + r.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (r.report() != null ? ", " + r.report().frames() + " frames, latency p99 "
                                + String.format(java.util.Locale.ROOT, "%.3f", r.report().latencyP99()) + " s" : "")
                        + (r.problem() != null ? ": " + r.problem() : ""));
            }
            say(err, "inferred " + shared.frames() + " frames in " + shared.batches() + " batches");
            boolean failed = cameras.all().stream().anyMatch(r -> r.state() == CameraRunner.State.FAILED);
            return failed ? 1 : 0;
        }
    }

    /**
     * Runs until a signal stops the process or every camera's input has ended. Meanwhile a SIGHUP, or a change of
     * the file's modification time or size, re-reads the file and applies the difference; a bad file keeps the
     * running cameras and says why in one line.
     */
    private void watchForChanges(ServeConfig running, Cameras cameras, PrintWriter err, StopOnShutdown hook)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean hangup = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler previous = hupHandler(() -> hangup.set(true));
        try {
            String seen = stamp();
            while (!hook.triggered() && !(!cameras.all().isEmpty() && cameras.allEnded())) {
                Thread.sleep(200);
                String now = stamp();
                if (!hangup.getAndSet(false) && now.equals(seen)) continue;
                seen = now;
                try {
                    ServeConfig next = ServeConfigFile.read(config);
                    if (!next.model().equals(running.model()) || next.batch() != running.batch()
                            || !next.maxWait().equals(running.maxWait()) || next.precision() != running.precision()) {
                        say(err, "reload: model, batch, max-wait and precision changes take a restart; kept " + running.model()
                                + ", batch " + running.batch() + ", max-wait " + running.maxWait().toMillis() + " ms");
                    }
                    say(err, "reload: " + cameras.apply(next.cameras()));
                } catch (io.derain.pipeline.InputException e) {
                    say(err, "reload failed: " + e.getMessage() + "; the running cameras are kept");
                }
            }
        } finally {
            if (previous != null) sun.misc.Signal.handle(new sun.misc.Signal("HUP"), previous);
        }
    }

    /** The file's modification time and size: a change of either is a change of the file. */
    private String stamp() {
        try {
            return java.nio.file.Files.getLastModifiedTime(config).toMillis() + "/" + java.nio.file.Files.size(config);
        } catch (java.io.IOException e) {
            return "unreadable";
        }
    }

    /** SIGHUP runs {@code reload} (the CLI owns the process's signals); the handler it replaced, or null. */
    private static sun.misc.SignalHandler hupHandler(Runnable reload) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.run());
        } catch (IllegalArgumentException e) {
            return null; // no SIGHUP here (not on Linux): the file watch still applies changes
        }
    }

    /** The API's token: from --token-file or DERAIN_TOKEN; required beyond loopback. */
    private String token(String[] listen) {
        String token = System.getenv("DERAIN_TOKEN");
        if (tokenFile != null) {
            try {
                token = java.nio.file.Files.readAllLines(tokenFile).stream().findFirst().orElse("").strip();
            } catch (java.io.IOException e) {
                throw new io.derain.pipeline.InputException("--token-file " + tokenFile + ": cannot read it");
            }
            if (token.length() < 16) throw new io.derain.pipeline.InputException("--token-file " + tokenFile + ": the token is shorter than 16 characters");
        }
        if (token != null && token.isBlank()) token = null;
        if (listen != null && token == null) {
            boolean loopback;
            try {
                loopback = java.net.InetAddress.getByName(listen[0]).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                throw new io.derain.pipeline.InputException("--http " + http + ": unknown host");
            }
            if (!loopback) {
                throw new io.derain.pipeline.InputException("--http " + http + ": binding beyond loopback needs a token for "
                        + "the cameras API (--token-file FILE or DERAIN_TOKEN)");
            }
        }
        return token;
    }

    /** --http as host and port; null without it. */
    private String[] listen() {
        if (http == null) return null;
        int colon = http.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : http.substring(0, colon);
        try {
            int port = Integer.parseInt(http.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new String[] {host, Integer.toString(port)};
        } catch (NumberFormatException e) {
            throw new io.derain.pipeline.InputException("--http " + http + ": expected [HOST:]PORT");
        }
    }

    private void say(PrintWriter err, String line) {
        if (quiet && !line.contains("failed")) return;
        synchronized (err) {
            err.println(Instant.now() + " derain serve: " + line);
            err.flush();
        }
    }
}
