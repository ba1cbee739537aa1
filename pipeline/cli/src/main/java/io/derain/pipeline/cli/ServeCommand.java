package io.derain.pipeline.cli;

import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.serve.CameraConfig;
import io.derain.pipeline.serve.CameraRunner;
import io.derain.pipeline.serve.Cameras;
import io.derain.pipeline.serve.ServeConfig;
import io.derain.pipeline.serve.ServeConfigFile;
import io.derain.pipeline.serve.SharedInference;
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
    /** Inference stuck this long makes /healthz fail: far above a batch's time at 4K on a CPU. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The cameras file (YAML: model, batch, max-wait, cameras with id, input, output, segment, fps, "
                    + "max-latency; README \"Many cameras\").")
    Path config;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve /healthz (200 while inference makes progress; 503 once a batch or a waiting frame has "
                    + "been stuck for 30 s), /readyz (200 once every camera records; 503 with one line per camera that "
                    + "connects, reconnects or failed) and /metrics here. Binds 127.0.0.1 unless a host is given.")
    String http;

    @Option(names = {"-q", "--quiet"}, description = "Only errors on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = ServeConfigFile.read(config); // bad file: one line, exit 2, before any model loads
        String[] listen = listen();
        PrintWriter err = spec.commandLine().getErr();
        for (CameraConfig c : cfg.cameras()) {
            Path out = Path.of(c.output());
            if (c.segment() == null && !c.output().contains("://") && Files.exists(out)) {
                throw new io.derain.pipeline.InputException(config + ": camera " + c.id() + ": " + out + " exists; serve never overwrites a recording");
            }
        }
        try (StopOnShutdown hook = new StopOnShutdown(STOP_GRACE);
             DerainOperator operator = new DerainOperator(ModelCatalog.open(cfg.model(), null),
                     ComputeDevice.select(ComputeDevice.Kind.AUTO), DerainSettings.defaults().withBatch(cfg.batch()));
             SharedInference shared = new SharedInference(operator, cfg.batch(), cfg.maxWait(), PipelineSettings.DAEMON_THREADS);
             Cameras cameras = new Cameras(shared, PipelineSettings.DAEMON_THREADS, line -> say(err, line));
             MetricsServer server = listen == null ? null : MetricsServer.start(listen[0], Integer.parseInt(listen[1]))) {
            hook.onStop(cameras::stopAll);
            say(err, "serving " + cfg.cameras().size() + " cameras on " + operator.describe() + ", batches of up to "
                    + cfg.batch() + " frames");
            for (CameraConfig c : cfg.cameras()) cameras.start(c);
            if (server != null) { // after the cameras started: readiness is never "ok" for a set still empty
                server.probe("/healthz", () -> shared.stalled(STALL_LIMIT) ? "inference stalled for over " + STALL_LIMIT.toSeconds() + " s" : null);
                server.probe("/readyz", cameras::notReady);
                say(err, "health, readiness and metrics on http://" + listen[0] + ":" + server.port() + " (/healthz, /readyz, /metrics)");
            }
            while (!cameras.allEnded() && !hook.triggered()) Thread.sleep(200);
            cameras.close(); // every output committed before the model goes
            for (CameraRunner r : cameras.all()) {
                say(err, r.config().id() + ": " + r.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (r.report() != null ? ", " + r.report().frames() + " frames" : "")
                        + (r.problem() != null ? ": " + r.problem() : ""));
            }
            say(err, "inferred " + shared.frames() + " frames in " + shared.batches() + " batches");
            boolean failed = cameras.all().stream().anyMatch(r -> r.state() == CameraRunner.State.FAILED);
            return failed ? 1 : 0;
        }
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
