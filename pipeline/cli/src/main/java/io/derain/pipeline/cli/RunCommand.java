package io.derain.pipeline.cli;

import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.InputException;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.job.JobSettings;
import io.derain.pipeline.kafka.KafkaConnector;
import io.derain.pipeline.kafka.KafkaSinkSettings;
import io.derain.pipeline.kafka.KafkaSourceSettings;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.live.StreamPublishSink;
import io.derain.pipeline.metrics.CameraMetrics;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.metrics.PipelineMetrics;
import io.derain.pipeline.metrics.RetentionMetrics;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.sink.AttentionMapSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.SourceStopped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code derain run INPUT -o OUTPUT}: the main job, for files and live cameras. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Removes raindrops from a video file, an image, a directory of images, or a live stream "
                + "(rtsp://, rtsps://, srt://, udp://, ...).",
                "Video is re-encoded as H.264 (audio kept for files); images keep their format. A file output appears "
                        + "under its name only when complete; OUTPUT may also be a stream URL to publish to, or a "
                        + "segment name pattern with --segment.",
                "Live inputs reconnect with backoff, drop frames older than --max-latency, and run until SIGTERM, "
                        + "Ctrl-C or --duration.",
                "SIGTERM or Ctrl-C stops reading, finishes the frames in inference and keeps the output with "
                        + "every frame written so far (exit code 143 or 130)."})
final class RunCommand implements Callable<Integer> {
    /** Exit code of a run stopped before the end of its input (128 + SIGTERM, as a shell reports it). */
    static final int STOPPED = 143;
    /** Completed with --keep-going, but the input was damaged: the output holds what decoded. */
    static final int DAMAGED = 3;
    /** How long a stop may take before the JVM exits anyway (leaving no output). */
    private static final Duration STOP_GRACE = Duration.ofMinutes(2);

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "A video file (mp4, mkv, mov, avi, ...), an image (jpg, png), a directory of images, "
                    + "or a live stream URL.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT",
            description = "Output video file, image file, directory (for images), stream URL (rtsp://...), or "
                    + "segment name pattern (with --segment).")
    String output;

    @Option(names = {"-y", "--overwrite"}, description = "Replace OUTPUT if it exists.")
    boolean overwrite;

    @Option(names = "--keep-going",
            description = "A damaged input (a truncated or corrupt video, a damaged image in a directory) is written as "
                    + "far as it decodes instead of failing; the damage is reported on one line and the exit code is 3.")
    boolean keepGoing;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--attention", paramLabel = "DIR",
            description = "Also write each frame's raindrop map (8-bit grey, 255 = drop) to DIR/00000.png, ... "
                    + "(image inputs: the image's name), and report how much of the frame drops cover.")
    Path attention;

    @Option(names = "--temporal",
            description = "Video: use past frames too. The raindrop map is stabilised over time and the pixels under "
                    + "drops are filled from the previous output aligned by optical flow where it was clear, the "
                    + "model's restoration elsewhere; starts afresh on a cut or a reconnect. Causal (no frame is held back).")
    boolean temporal;

    @Option(names = "--glass", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --temporal: also find drops by what stays put on the glass while the scene moves (default); "
                    + "--no-glass: by the network's map only.")
    boolean glass;

    @Option(names = "--preview", paramLabel = "side-by-side",
            description = "Write a preview instead of the derained output: input | derained | raindrop map side by "
                    + "side in one frame three times as wide (videos and images alike).")
    String preview;

    @Mixin
    MetricsOptions metricsOptions;

    @Mixin
    LiveOptions live;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        JobLog log = new JobLog(ProgressListener.NONE, System.err, quiet);
        // Installed first: a SIGTERM while waiting for a camera must end the wait, too.
        try (StopOnShutdown hook = new StopOnShutdown(STOP_GRACE);
             RunWebView web = metricsOptions.port == null ? null : new RunWebView()) {
            webView = web;
            JobSettings settings = jobSettings(hook, log);
            if (settings.streamInput() && !quiet) err().println("derain: connecting to " + settings.cameraSettings().redactedUrl());
            try (DerainJob job = DerainJob.open(settings)) {
                return run(job, hook);
            }
        } catch (SourceStopped e) {
            err().println("derain: " + e.getMessage());
            return STOPPED;
        }
    }

    /** The job with its source open: the model, then the run, its report and the exit code. */
    private int run(DerainJob job, StopOnShutdown hook) throws Exception {
        SourceInfo info = job.info();
        boolean derain = !modelOptions.isNone();
        if (!derain && attention != null) throw new ParameterException(spec.commandLine(), "--attention needs a model, not --model none");
        if (temporal && (!derain || info.frameRate() == 0)) {
            throw new ParameterException(spec.commandLine(), "--temporal needs a model and a video or stream, not "
                    + (derain ? "still images" : "--model none"));
        }
        try (FrameOperator operator = derain ? modelOptions.openOperator(compute) : new IdentityOperator(compute.batch)) {
            job.check(operator);
            if (!quiet) err().println("derain: " + (operator instanceof DerainOperator d ? d.describe() : "no model: frames pass through"));
            job.attach(operator);
            try (ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null);
                 MetricsServer metrics = metricsOptions.start("camera", job.cameraId())) {
                bindMetrics(metrics, job);
                if (metrics != null) {
                    webView.serve(metrics, job, input, output);
                    metrics.buildInfo(Version.number(), derain ? modelOptions.name() : "none", derain ? modelOptions.weightsDigest() : null);
                }
                hook.onStop(job::stop);
                AtomicBoolean timeUp = new AtomicBoolean();
                try (StopTimer timer = new StopTimer(live.duration, () -> {
                    timeUp.set(true);
                    job.stop();
                })) {
                    JobReport report;
                    try {
                        report = job.run(new JobLog(quiet ? ProgressListener.NONE : progress, System.err, quiet));
                        if (job.temporalCounts() != null && !quiet) {
                            err().printf("derain: temporal: filled %d frames from the past, started afresh %d times (cuts, gaps, reconnects)%n",
                                    job.temporalCounts().filledFrames(), job.temporalCounts().resets());
                        }
                    } catch (IOException | RuntimeException e) {
                        if (!hook.triggered()) throw e;
                        // Stopped by a signal, but the output is not what a stop keeps (a sink lost frames):
                        // the failure's status, not 143/130, once the hook is released.
                        int status = ErrorReporter.report(e, spec.commandLine());
                        hook.exitWith(status);
                        return status;
                    }
                    FrameSource source = job.source();
                    RunSummary.print(err(), report, info, output,
                            source instanceof LiveSource camera ? camera.stats() : null, source.damage());
                    if (job.sink() instanceof AttentionMapSink maps) {
                        err().printf("derain: wrote %s: raindrops cover %.1f %% of the frame on average (attention >= %.2f)%n",
                                attention, 100 * maps.dropCoverage(), ((DerainOperator) operator).dropThreshold());
                        err().flush();
                    }
                    if (!source.damage().isEmpty()) return DAMAGED;
                    return report.stopped() && !timeUp.get() ? STOPPED : 0;
                }
            }
        }
    }

    /** The live view on --metrics-port, while the command runs; null without it. */
    private RunWebView webView;

    private void validate() {
        if (preview != null && !preview.equals("side-by-side")) {
            throw new ParameterException(spec.commandLine(), "--preview: expected side-by-side, got '" + preview + "'");
        }
        metricsOptions.validate(spec.commandLine());
        live.validate(spec.commandLine());
        // The job refuses these too, in its own words; here they name the flag, before anything opens.
        if (live.segment != null && KafkaUrl.isKafkaUrl(output)) throw new InputException(output + ": --segment records files, not a topic");
        if (live.segment != null && CameraSettings.isStreamUrl(output)) throw new InputException(output + ": --segment records files, not a stream");
    }

    /** The options as the job's settings; Kafka's are built only for a kafka:// end, its sink's once the camera is known. */
    private JobSettings jobSettings(StopOnShutdown hook, JobLog log) {
        JobSettings.Builder job = JobSettings.builder(input, output).overwrite(overwrite).keepGoing(keepGoing)
                .temporal(temporal ? TemporalSettings.defaults().withGlass(glass) : null).preview(preview != null).attention(attention)
                .segment(live.segment).retention(live.retention()).frameRate(live.fps == null ? 0 : live.fps).camera(live.camera)
                .rtspTransport(live.rtspTransport).stallTimeout(live.stallTimeout).connectTimeout(live.connectTimeout)
                .reconnect(live.reconnect()).maxLatency(live.maxLatency)
                .events(log::event).stopped(hook::triggered).view(webView == null ? null : webView.view());
        KafkaSourceSettings kafkaSource = null;
        if (KafkaUrl.isKafkaUrl(input)) {
            if (live.camera == null) throw new ParameterException(spec.commandLine(), "a kafka:// input needs --camera ID");
            kafkaSource = KafkaSourceSettings.of(kafka.client(input), live.camera).withFollow(kafka.follow)
                    .withFirstFrameTimeout(kafka.firstFrameTimeout).withGroup(kafka.group);
        }
        job.connector(KafkaConnector.of(kafkaSource, camera -> KafkaSinkSettings.of(kafka.client(output)).withCamera(camera)
                .withEncoding(kafka.encoding(spec.commandLine())).withModel(modelOptions.stamp())));
        return job.build();
    }

    /** Where messages go: the command line's error writer (stderr unless a caller redirected it). */
    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private void bindMetrics(MetricsServer metrics, DerainJob job) {
        if (metrics == null) return;
        new PipelineMetrics(job.pipeline().stats()).bindTo(metrics.registry());
        if (job.source() instanceof LiveSource camera) new CameraMetrics(camera.stats(), "in").bindTo(metrics.registry());
        if (job.sink() instanceof StreamPublishSink publish) new CameraMetrics(publish.stats(), "out").bindTo(metrics.registry());
        if (job.retention() != null) new RetentionMetrics(job.retention(), io.micrometer.core.instrument.Tags.empty()).bindTo(metrics.registry());
        if (!quiet) err().println("derain: metrics at " + metrics.url());
    }

    /** Runs {@code stop} once after {@code after} (nothing if null); closing cancels it and ends its thread. */
    private static final class StopTimer implements AutoCloseable {
        private final ScheduledExecutorService timer;

        StopTimer(Duration after, Runnable stop) {
            if (after == null) {
                timer = null;
                return;
            }
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "derain-duration");
                t.setDaemon(true);
                return t;
            });
            timer.schedule(stop, after.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            if (timer != null) timer.shutdownNow();
        }
    }
}
