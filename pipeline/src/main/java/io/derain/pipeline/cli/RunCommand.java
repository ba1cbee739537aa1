package io.derain.pipeline.cli;

import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.metrics.PipelineMetrics;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.runtime.StopOnShutdown;
import io.derain.pipeline.sink.AttentionMapSink;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code derain run INPUT -o OUTPUT}: the main job. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Removes raindrops from a video file, an image, or a directory of images.",
                "Video is re-encoded as H.264 (audio kept); images keep their format. The output appears "
                        + "under its name only when complete.",
                "SIGTERM or Ctrl-C stops reading, finishes the frames in inference and keeps the output with "
                        + "every frame written so far (exit code 143 or 130)."})
final class RunCommand implements Callable<Integer> {
    /** Exit code of a run stopped before the end of its input (128 + SIGTERM, as a shell reports it). */
    static final int STOPPED = 143;
    /** How long a stop may take before the JVM exits anyway (leaving no output). */
    private static final Duration STOP_GRACE = Duration.ofMinutes(2);

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "A video file (mp4, mkv, mov, avi, ...), an image (jpg, png), or a directory of images.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT",
            description = "Output video file, image file, or directory (for a directory of images).")
    Path output;

    @Option(names = {"-y", "--overwrite"}, description = "Replace OUTPUT if it exists.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--attention", paramLabel = "DIR",
            description = "Also write each frame's raindrop map (8-bit grey, 255 = drop) to DIR/00000.png, ... "
                    + "(image inputs: the image's name), and report how much of the frame drops cover.")
    Path attention;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics while the job runs.")
    Integer metricsPort;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("--metrics-port: expected 0 to 65535, got " + metricsPort);
        }
        try (FrameSource source = Sources.open(input)) {
            SourceInfo info = source.info();
            try (DerainOperator operator = modelOptions.openOperator(compute)) {
                checkFrameSize(operator, info);
                if (!quiet) err().println("derain: " + operator.describe());
                try (FrameSink sink = openSink(info, operator.dropThreshold());
                     ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null);
                     MetricsServer metrics = startMetrics()) {
                    StagedPipeline pipeline = new StagedPipeline(source, operator, sink);
                    if (metrics != null) {
                        new PipelineMetrics(pipeline.stats()).bindTo(metrics.registry());
                        if (!quiet) err().println("derain: metrics at " + metrics.url());
                    }
                    // Closed after the report is printed: a SIGTERM's hook holds the JVM until then.
                    try (StopOnShutdown hook = new StopOnShutdown(pipeline, STOP_GRACE)) {
                        JobReport report = pipeline.run(quiet ? ProgressListener.NONE : progress);
                        report(report, info);
                        if (sink instanceof AttentionMapSink maps) {
                            err().printf("derain: wrote %s: raindrops cover %.1f %% of the frame on average (attention >= %.2f)%n",
                                    attention, 100 * maps.dropCoverage(), operator.dropThreshold());
                            err().flush();
                        }
                        return report.stopped() ? STOPPED : 0;
                    }
                }
            }
        }
    }

    /** Where messages go: the command line's error writer (stderr unless a caller redirected it). */
    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The output, with the attention maps teed off to their directory when asked for. */
    private FrameSink openSink(SourceInfo info, double dropThreshold) throws IOException {
        FrameSink sink = Sinks.open(output, info, overwrite);
        return attention == null ? sink : new AttentionMapSink(sink, attention, overwrite, dropThreshold);
    }

    /** Always says what was written (even with -q): a stopped run's output is shorter than its input. */
    private void report(JobReport report, SourceInfo info) {
        if (report.stopped()) {
            err().printf("derain: stopped: wrote %s: %d frames%s in %.1f s (%.2f fps); the rest was not processed%n",
                    output, report.frames(), info.frameCount() > 0 ? " of " + info.frameCount() : "",
                    report.seconds(), report.framesPerSecond());
        } else {
            err().printf("derain: wrote %s: %d frames in %.1f s (%.2f fps)%n",
                    output, report.frames(), report.seconds(), report.framesPerSecond());
        }
        err().flush();
    }

    private MetricsServer startMetrics() {
        if (metricsPort == null) return null;
        try {
            return MetricsServer.start(metricsPort);
        } catch (IOException e) {
            throw new InputException("--metrics-port " + metricsPort + ": cannot listen on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private void checkFrameSize(DerainOperator operator, SourceInfo info) {
        try {
            operator.checkFrameSize(info.width(), info.height());
        } catch (IllegalArgumentException e) {
            throw new InputException(input + ": " + e.getMessage());
        }
    }
}
