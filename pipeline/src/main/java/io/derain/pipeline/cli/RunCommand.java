package io.derain.pipeline.cli;

import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.kafka.KafkaFrameSource;
import io.derain.pipeline.kafka.KafkaSourceSettings;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.CameraStats;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.live.StreamPublishSink;
import io.derain.pipeline.metrics.CameraMetrics;
import io.derain.pipeline.metrics.MetricsServer;
import io.derain.pipeline.metrics.PipelineMetrics;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.runtime.StopOnShutdown;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.sink.AttentionMapSink;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.TappedSource;
import io.derain.pipeline.sink.PreviewSink;
import io.derain.operators.temporal.TemporalOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.SourceStopped;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.nio.file.Files;
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
    /** Inferences before a live job starts: the first few are slow (kernel selection, allocator, JIT). */
    private static final int WARM_UP_FRAMES = 3;

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

    /** The preview decorator of this job's sink, when --preview asked for one. */
    private PreviewSink previewSink;

    @Override
    public Integer call() throws Exception {
        validate();
        JobLog log = new JobLog(ProgressListener.NONE, System.err, quiet);
        boolean stream = CameraSettings.isStreamUrl(input);
        // Installed first: a SIGTERM while waiting for a camera must end the wait, too.
        try (StopOnShutdown hook = new StopOnShutdown(STOP_GRACE);
             FrameSource source = openSource(stream, hook, log)) {
            SourceInfo info = source.info();
            SourceInfo written = live.fps == null ? info : info.withFrameRate(live.fps, -1);
            if (preview != null) written = written.withSize(PreviewSink.previewWidth(info.width()), info.height());
            boolean derain = !modelOptions.isNone();
            if (!derain && attention != null) throw new ParameterException(spec.commandLine(), "--attention needs a model, not --model none");
            if (temporal && (!derain || info.frameRate() == 0)) {
                throw new ParameterException(spec.commandLine(), "--temporal needs a model and a video or stream, not "
                        + (derain ? "still images" : "--model none"));
            }
            try (FrameOperator operator = derain ? modelOptions.openOperator(compute) : new IdentityOperator(compute.batch)) {
                checkFrameSize(operator, info);
                double dropThreshold = operator instanceof DerainOperator d ? d.dropThreshold() : 0.5;
                if (!quiet) err().println("derain: " + (operator instanceof DerainOperator d ? d.describe() : "no model: frames pass through"));
                if (info.live() && operator instanceof DerainOperator d) warmUp(d, info, temporal);
                try (FrameSink sink = openSink(written, dropThreshold, log, source);
                     ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null);
                     MetricsServer metrics = startMetrics(source)) {
                    // A preview keeps each input frame as it leaves the source; the source stays owned here.
                    FrameSource frames = previewSink == null ? source : new TappedSource(source, previewSink.tap(), false);
                    // Not owning: the operator is closed by its own try above.
                    FrameOperator steps = temporal && operator instanceof DerainOperator d
                            ? TemporalOperator.over(d, TemporalSettings.defaults()) : operator;
                    StagedPipeline pipeline = new StagedPipeline(frames, steps, sink, settings(info, operator));
                    bindMetrics(metrics, pipeline, source, sink);
                    hook.onStop(pipeline::stop);
                    AtomicBoolean timeUp = new AtomicBoolean();
                    try (StopTimer timer = new StopTimer(live.duration, () -> {
                        timeUp.set(true);
                        pipeline.stop();
                    })) {
                        JobReport report;
                        try {
                            report = pipeline.run(new JobLog(quiet ? ProgressListener.NONE : progress, System.err, quiet));
                            if (steps instanceof TemporalOperator t && !quiet) {
                                err().printf("derain: temporal: filled %d frames from the past, started afresh %d times (cuts, gaps, reconnects)%n",
                                        t.filledFrames(), t.resets());
                            }
                        } catch (IOException | RuntimeException e) {
                            if (!hook.triggered()) throw e;
                            // Stopped by a signal, but the output is not what a stop keeps (a sink lost frames):
                            // the failure's status, not 143/130, once the hook is released.
                            int status = ErrorReporter.report(e, spec.commandLine());
                            hook.exitWith(status);
                            return status;
                        } finally {
                            if (steps != operator) steps.close();
                        }
                        RunSummary.print(err(), report, info, output,
                                source instanceof LiveSource camera ? camera.stats() : null, source.damage());
                        if (sink instanceof AttentionMapSink maps) {
                            err().printf("derain: wrote %s: raindrops cover %.1f %% of the frame on average (attention >= %.2f)%n",
                                    attention, 100 * maps.dropCoverage(), dropThreshold);
                            err().flush();
                        }
                        if (!source.damage().isEmpty()) return DAMAGED;
                        return report.stopped() && !timeUp.get() ? STOPPED : 0;
                    }
                }
            }
        } catch (SourceStopped e) {
            err().println("derain: " + e.getMessage());
            return STOPPED;
        }
    }

    private void validate() {
        if (preview != null && !preview.equals("side-by-side")) {
            throw new ParameterException(spec.commandLine(), "--preview: expected side-by-side, got '" + preview + "'");
        }
        metricsOptions.validate(spec.commandLine());
        live.validate(spec.commandLine());
        // A local input to a local file or directory: the output is checked before anything is decoded or loaded.
        boolean localInput = !KafkaUrl.isKafkaUrl(input) && !CameraSettings.isStreamUrl(input);
        boolean localOutput = !KafkaUrl.isKafkaUrl(output) && !CameraSettings.isStreamUrl(output) && live.segment == null;
        if (localInput && localOutput && Files.exists(Path.of(input))) Sinks.check(Path.of(output), Path.of(input), overwrite);
    }

    /** A live camera, one camera's frames from a Kafka topic, or a file, image or directory. */
    private FrameSource openSource(boolean stream, StopOnShutdown hook, JobLog log) throws IOException {
        if (KafkaUrl.isKafkaUrl(input)) {
            if (live.camera == null) throw new ParameterException(spec.commandLine(), "a kafka:// input needs --camera ID");
            return KafkaFrameSource.open(KafkaSourceSettings.of(kafka.client(input), live.camera).withFollow(kafka.follow)
                    .withFirstFrameTimeout(kafka.firstFrameTimeout).withGroup(kafka.group), hook::triggered);
        }
        return stream ? openCamera(hook, log) : Sources.open(Path.of(input), keepGoing);
    }

    private LiveSource openCamera(StopOnShutdown hook, JobLog log) throws IOException {
        CameraSettings camera = live.camera(input);
        if (!quiet) err().println("derain: connecting to " + camera.redactedUrl());
        try {
            return LiveSource.open(camera, log::event, hook::triggered);
        } catch (LiveSource.Stopped e) {
            throw e;
        } catch (IOException e) {
            throw new InputException(e.getMessage(), e); // a camera that never answered: bad input, exit 2
        }
    }

    /** Files: every frame, blocking. Live: drop the oldest, bounded latency, partial batches after 50 ms. */
    private PipelineSettings settings(SourceInfo info, FrameOperator operator) {
        PipelineSettings s = info.live() ? PipelineSettings.forLive(operator.maxBatch(), live.maxLatency)
                : PipelineSettings.forBatch(operator.maxBatch());
        return live.fps == null ? s : s.withFrameRate(live.fps);
    }

    /** Where messages go: the command line's error writer (stderr unless a caller redirected it). */
    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The output, with the attention maps teed off to their directory when asked for. */
    private FrameSink openSink(SourceInfo info, double dropThreshold, JobLog log, FrameSource source) throws IOException {
        FrameSink sink = Outputs.open(output, live.segment, info, overwrite, live.reconnect(), log::event,
                () -> new Outputs.KafkaTarget(kafka.client(output), cameraId(source), kafka.encoding(spec.commandLine()),
                        modelOptions.stamp()));
        if (preview != null) sink = previewSink = new PreviewSink(sink);
        return attention == null ? sink : new AttentionMapSink(sink, attention, overwrite, dropThreshold);
    }

    private MetricsServer startMetrics(FrameSource source) {
        return metricsOptions.start("camera", cameraId(source));
    }

    private String cameraId(FrameSource source) {
        if (source instanceof LiveSource camera) return camera.settings().camera();
        if (live.camera != null) return live.camera;
        Path name = Path.of(input).getFileName();
        return name == null ? input : name.toString();
    }

    private void bindMetrics(MetricsServer metrics, StagedPipeline pipeline, FrameSource source, FrameSink sink) {
        if (metrics == null) return;
        new PipelineMetrics(pipeline.stats()).bindTo(metrics.registry());
        if (source instanceof LiveSource camera) new CameraMetrics(camera.stats(), "in").bindTo(metrics.registry());
        if (sink instanceof StreamPublishSink publish) new CameraMetrics(publish.stats(), "out").bindTo(metrics.registry());
        if (!quiet) err().println("derain: metrics at " + metrics.url());
    }

    /**
     * A few inferences on a noise frame before the camera's frames arrive: the model's first calls pay for
     * libtorch's kernel selection and the JIT, which a live job would otherwise count as latency (a black
     * frame warms up less: measured, the first real frame then still took twice as long). On this thread,
     * the one that runs the job's inference.
     */
    private static void warmUp(DerainOperator operator, SourceInfo info, boolean temporal) {
        var frame = new io.derain.operators.frame.VideoFrame(info.width(), info.height());
        java.nio.ByteBuffer pixels = frame.pixels();
        java.util.Random noise = new java.util.Random(1);
        for (int i = 0; i < pixels.limit(); i++) pixels.put(i, (byte) noise.nextInt(256));
        // With --temporal through a throwaway history too: its per-pixel loops run interpreted until the JIT has seen them.
        try (FrameOperator steps = temporal
                ? TemporalOperator.over(operator, TemporalSettings.defaults()) : null) {
            for (int i = 0; i < WARM_UP_FRAMES; i++) {
                frame.setTimestampMicros(i * 40_000L);
                (steps != null ? steps : operator).apply(java.util.List.of(frame));
            }
        }
    }

    private void checkFrameSize(FrameOperator operator, SourceInfo info) {
        try {
            operator.checkFrameSize(info.width(), info.height());
        } catch (IllegalArgumentException e) {
            throw new InputException(input + ": " + e.getMessage());
        }
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
