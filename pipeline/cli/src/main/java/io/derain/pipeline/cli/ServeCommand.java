package io.derain.pipeline.cli;

import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
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

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The cameras file (YAML: model, batch, max-wait, cameras with id, input, output, segment, fps, "
                    + "max-latency; README \"Many cameras\").")
    Path config;

    @Option(names = {"-q", "--quiet"}, description = "Only errors on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = ServeConfigFile.read(config); // bad file: one line, exit 2, before any model loads
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
             Cameras cameras = new Cameras(shared, PipelineSettings.DAEMON_THREADS, line -> say(err, line))) {
            hook.onStop(cameras::stopAll);
            say(err, "serving " + cfg.cameras().size() + " cameras on " + operator.describe() + ", batches of up to "
                    + cfg.batch() + " frames");
            for (CameraConfig c : cfg.cameras()) cameras.start(c);
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

    private void say(PrintWriter err, String line) {
        if (quiet && !line.contains("failed")) return;
        synchronized (err) {
            err.println(Instant.now() + " derain serve: " + line);
            err.flush();
        }
    }
}
