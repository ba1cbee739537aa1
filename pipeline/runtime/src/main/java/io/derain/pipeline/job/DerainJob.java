package io.derain.pipeline.job;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.operators.temporal.TemporalOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.InputException;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.sink.AttentionMapSink;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.PreviewSink;
import io.derain.pipeline.sink.SegmentRetention;
import io.derain.pipeline.sink.SegmentedVideoSink;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import io.derain.pipeline.source.TappedSource;
import io.derain.pipeline.view.ViewSink;
import io.derain.pipeline.view.ViewedOperator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * One derain job: the source its input names, an operator, the sink its output names, run by a
 * {@link StagedPipeline} with the settings that fit the source (live: drop the oldest, bounded latency;
 * files: every frame). What {@code derain run} does, for any caller:
 *
 * <pre>{@code
 * try (DerainOperator model = ...;
 *      DerainJob job = DerainJob.open(JobSettings.builder("in.mp4", "out.mp4").build(), model)) {
 *     JobReport report = job.run(ProgressListener.NONE);
 * }
 * }</pre>
 *
 * <p>In two steps when the operator is chosen after seeing the input: {@link #open(JobSettings)} opens the
 * source ({@link #info()}), {@link #attach} checks the operator against it, warms it up for a live input,
 * opens the sink and builds the pipeline; then {@link #run}.
 *
 * <p><b>Ownership</b>: the job owns the source, the sink with its decorators (preview, attention maps) and the
 * temporal wrapper it made, and closes them in reverse order in {@link #close()}, also after a failed
 * {@code attach}. It does <b>not</b> own the operator: the caller closes it, after the job has run. The
 * operator runs on the thread that calls {@link #run} (and {@link #attach}, which warms it up).
 */
public final class DerainJob implements AutoCloseable {
    /** Inferences before a live job starts: the first few are slow (kernel selection, allocator, JIT). */
    private static final int WARM_UP_FRAMES = 3;

    private final JobSettings settings;
    private final FrameSource source;
    private FrameSink sink;
    private SegmentRetention retention;
    private TappedSource tapped;
    private TemporalOperator temporal;
    private StagedPipeline pipeline;
    private TemporalCounts temporalCounts;
    private boolean stopRequested;

    /** What the temporal mode did in a job: frames filled from the past, fresh starts (cuts, gaps, reconnects). */
    public record TemporalCounts(long filledFrames, long resets) {}

    private DerainJob(JobSettings settings, FrameSource source) {
        this.settings = settings;
        this.source = source;
    }

    /** What retention deleted from this job's segments (live counters); null without segments and before {@link #attach}. */
    public SegmentRetention retention() {
        return retention;
    }

    /**
     * Checks a local output against a local input (not the input, kind fits, creatable, overwrite) and opens
     * the source: a file, image or directory, a live stream (waiting for it as the reconnect policy says) or what
     * a {@link Connector} opens (one camera of a Kafka topic).
     *
     * @throws InputException                            bad input or output, a camera that never answered
     * @throws io.derain.pipeline.source.SourceStopped   {@link JobSettings#stopped()} became true while waiting
     */
    public static DerainJob open(JobSettings settings) throws IOException {
        checkOutput(settings);
        return new DerainJob(settings, openSource(settings));
    }

    /** {@link #open(JobSettings)} and {@link #attach}; closes what it opened if attaching fails. */
    public static DerainJob open(JobSettings settings, FrameOperator operator) throws IOException {
        DerainJob job = open(settings);
        try {
            job.attach(operator);
            return job;
        } catch (IOException | RuntimeException | Error e) {
            job.close();
            throw e;
        }
    }

    /** The output is checked before anything is decoded or loaded, for a local input to a local file or directory. */
    private static void checkOutput(JobSettings s) {
        boolean localInput = s.inputConnector() == null && !CameraSettings.isStreamUrl(s.input());
        boolean localOutput = s.outputConnector() == null && !CameraSettings.isStreamUrl(s.output())
                && s.segment() == null;
        if (localInput && localOutput && Files.exists(Path.of(s.input()))) {
            Sinks.check(Path.of(s.output()), Path.of(s.input()), s.overwrite());
        }
    }

    private static FrameSource openSource(JobSettings s) throws IOException {
        Connector connector = s.inputConnector();
        if (connector != null) return connector.openSource(s.input(), s.stopped());
        if (!s.streamInput()) return Sources.open(Path.of(s.input()), s.keepGoing());
        try {
            return LiveSource.open(s.cameraSettings(), s.events(), s.stopped());
        } catch (IOException e) {
            throw new InputException(e.getMessage(), e); // a camera that never answered: bad input
        }
    }

    /** The input as it was opened: size, rate, expected frames, whether it is live. */
    public SourceInfo info() {
        return source.info();
    }

    /** The opened source (for its counters: a {@link LiveSource}'s stats, {@code damage()} after the run). */
    public FrameSource source() {
        return source;
    }

    /** The sink frames go to, decorators outermost; null before {@link #attach}. */
    public FrameSink sink() {
        return sink;
    }

    /** The pipeline, for metrics ({@link StagedPipeline#stats()}); null before {@link #attach}. */
    public StagedPipeline pipeline() {
        return pipeline;
    }

    /** The camera's id: a live input's, the one given, a connector's input's, or the input file's name. */
    public String cameraId() {
        if (source instanceof LiveSource camera) return camera.settings().camera();
        if (settings.camera() != null) return settings.camera();
        Connector connector = settings.inputConnector();
        if (connector != null && connector.camera(settings.input()) != null) return connector.camera(settings.input());
        Path name = Path.of(settings.input()).getFileName();
        return name == null ? settings.input() : name.toString();
    }

    /**
     * Checks that {@code operator} can run this job: the temporal mode and attention maps need a
     * {@link DerainOperator}, the temporal mode a video or stream, and the operator must take the input's frame
     * size. {@link #attach} checks the same; call it first to learn early.
     *
     * @throws InputException    the input does not fit (frame size, still images for the temporal mode)
     * @throws SettingsException the settings ask for maps or the temporal mode of an operator without them
     */
    public void check(FrameOperator operator) {
        boolean derain = operator instanceof DerainOperator;
        if (settings.attention() != null && !derain) {
            throw new SettingsException("attention maps need a derain model; this operator predicts none");
        }
        if (settings.temporal() != null && !derain) {
            throw new SettingsException("the temporal mode needs a derain model");
        }
        if (settings.temporal() != null && info().frameRate() == 0) {
            throw new InputException(settings.input() + ": the temporal mode needs a video or stream, not still images");
        }
        try {
            operator.checkFrameSize(info().width(), info().height());
        } catch (SettingsException e) {
            throw new InputException(settings.input() + ": " + e.getMessage());
        }
    }

    /**
     * Puts {@code operator} (not owned) between the source and the output: checks it ({@link #check}), warms
     * a derain model up for a live input, opens the sink with its decorators and builds the pipeline. Once.
     */
    public void attach(FrameOperator operator) throws IOException {
        if (pipeline != null || sink != null) throw new IllegalStateException("an operator is attached already");
        check(operator);
        SourceInfo info = info();
        if (info.live() && operator instanceof DerainOperator d) warmUp(d, info, settings.temporal());
        double dropThreshold = operator instanceof DerainOperator d ? d.dropThreshold() : 0.5;
        PreviewSink preview = openSink(dropThreshold);
        // A preview keeps each input frame as it leaves the source; the source stays owned here.
        FrameSource frames = source;
        if (preview != null) frames = tapped = new TappedSource(source, preview.tap(), false);
        // Not owning: the operator is the caller's.
        FrameOperator steps = operator;
        if (settings.temporal() != null && operator instanceof DerainOperator d) {
            steps = temporal = TemporalOperator.over(d, settings.temporal());
        }
        if (settings.view() != null) steps = new ViewedOperator(steps, settings.view()); // sees the model's input
        StagedPipeline built = new StagedPipeline(frames, steps, sink, pipelineSettings(info, operator));
        synchronized (this) {
            pipeline = built;
            if (stopRequested) built.stop();
        }
    }

    /** Opens the output and its decorators into {@link #sink}; the preview decorator if there is one. */
    private PreviewSink openSink(double dropThreshold) throws IOException {
        SourceInfo info = info();
        SourceInfo written = settings.frameRate() > 0 ? info.withFrameRate(settings.frameRate(), -1) : info;
        if (settings.preview()) written = written.withSize(PreviewSink.previewWidth(info.width()), info.height());
        FrameSink opened = Outputs.open(settings, written, cameraId());
        if (opened instanceof SegmentedVideoSink segments) {
            retention = SegmentRetention.of(Path.of(settings.output()), settings.retention(), settings.events());
            segments.retain(retention);
        }
        PreviewSink preview = settings.preview() ? new PreviewSink(opened) : null;
        if (preview != null) opened = preview;
        // Owns what it wraps, and closes it if its directory cannot be made.
        sink = settings.attention() == null ? opened
                : new AttentionMapSink(opened, settings.attention(), settings.overwrite(), dropThreshold);
        if (settings.view() != null) sink = new ViewSink(sink, settings.view()); // sees what the pipeline writes
        return preview;
    }

    /** Files: every frame, blocking. Live: drop the oldest, bounded latency, partial batches after 50 ms. */
    private PipelineSettings pipelineSettings(SourceInfo info, FrameOperator operator) {
        PipelineSettings s = info.live() ? PipelineSettings.forLive(operator.maxBatch(), settings.maxLatency())
                : PipelineSettings.forBatch(operator.maxBatch());
        s = s.withThreadFactory(settings.threadFactory());
        return settings.frameRate() > 0 ? s.withFrameRate(settings.frameRate()) : s;
    }

    /**
     * A few inferences on a noise frame before the camera's frames arrive: the model's first calls pay for
     * libtorch's kernel selection and the JIT, which a live job would otherwise count as latency (a black
     * frame warms up less: measured, the first real frame then still took twice as long). On this thread,
     * the one that runs the job's inference.
     */
    private static void warmUp(DerainOperator operator, SourceInfo info, TemporalSettings temporal) {
        VideoFrame frame = new VideoFrame(info.width(), info.height());
        ByteBuffer pixels = frame.pixels();
        Random noise = new Random(1);
        for (int i = 0; i < pixels.limit(); i++) pixels.put(i, (byte) noise.nextInt(256));
        // With the temporal mode through a throwaway history too: its per-pixel loops run interpreted until the JIT has seen them.
        try (FrameOperator steps = temporal != null ? TemporalOperator.over(operator, temporal) : null) {
            for (int i = 0; i < WARM_UP_FRAMES; i++) {
                frame.setTimestampMicros(i * 40_000L);
                (steps != null ? steps : operator).apply(List.of(frame));
            }
        }
    }

    /**
     * Runs the job to the end of its input or a {@link #stop()} and commits the output (see
     * {@link StagedPipeline#run}). Once.
     */
    public JobReport run(ProgressListener listener) throws IOException {
        if (pipeline == null) throw new IllegalStateException("attach an operator before running");
        try {
            JobReport report = pipeline.run(listener);
            if (temporal != null) temporalCounts = new TemporalCounts(temporal.filledFrames(), temporal.resets());
            return report;
        } finally {
            closeTemporal(); // its histories are this run's; the counts are kept
        }
    }

    /** What the temporal mode did, once {@link #run} has returned; null without the temporal mode. */
    public TemporalCounts temporalCounts() {
        return temporalCounts;
    }

    /**
     * Ends the job early, keeping its output up to the last frame written ({@link StagedPipeline#stop()}).
     * Any thread, any time: before {@link #attach} it takes effect when the pipeline is built.
     */
    public synchronized void stop() {
        stopRequested = true;
        if (pipeline != null) pipeline.stop();
    }

    private void closeTemporal() {
        if (temporal != null) temporal.close();
        temporal = null;
    }

    /** Closes the temporal wrapper, the sink (uncommitted: discarded) and the source, in that order; not the operator. */
    @Override
    public void close() {
        try {
            closeTemporal();
            if (tapped != null) tapped.close();
        } finally {
            try {
                if (sink != null) sink.close();
            } finally {
                source.close();
            }
        }
    }
}
