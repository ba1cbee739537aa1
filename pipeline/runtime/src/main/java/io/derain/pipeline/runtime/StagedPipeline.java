package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Source → operator → sink as three concurrent stages, so that decoding and encoding hide behind inference:
 *
 * <pre>
 *   derain-decode thread      caller's thread             derain-encode thread
 *   source.next() ──decoded──▶ batch, operator.apply() ──processed──▶ sink.write() ─┐
 *        ▲                          ▲                                               │
 *        └──────── returned frames ─┼────────────── free batches ◀──────────────────┘
 * </pre>
 *
 * <ul>
 * <li><b>Order</b>: one thread per stage and FIFO queues, so frames and the audio between them leave in
 *     stream order.
 * <li><b>Back-pressure and memory</b>: every queue is bounded; a fixed set of {@link Batch}es circulates,
 *     and written frames go back to the source's pool (told its size), so at most
 *     {@link PipelineSettings#framesInFlight} frames exist whatever the input's length. With
 *     {@link QueuePolicy#BLOCK} (files) nothing is dropped while running; a live source's
 *     {@link QueuePolicy#DROP_OLDEST} and latency bound drop frames instead of falling behind, each drop
 *     counted by {@link DropReason}.
 * <li><b>Errors</b>: a {@link FrameRejectedException} from the source or sink skips that frame (counted);
 * <li><b>Threads</b>: the operator runs on the thread that calls {@link #run} (libtorch guards and thread
 *     settings are per thread); the source is only touched by the decode thread, the sink by the encode
 *     thread. Both are joined before {@code run} returns.
 *     any other exception is a failure.
 * <li><b>Failure</b>: the first exception of any stage aborts the job and is thrown from {@code run};
 *     later ones are attached to it as suppressed. The sink is then not committed, so its owner's close()
 *     discards the partial output.
 * <li><b>Stop</b>: {@link #stop()} (any thread, e.g. a shutdown hook) wakes the source (a read blocked on
 *     a network peer returns) and makes the decoder stop reading; the batch in the operator finishes, frames
 *     still waiting for inference are dropped, everything inferred is written and the sink committed: the
 *     output is complete up to the last frame written, and the report says {@link JobReport#stopped()}.
 *     Nothing waits on the source: a source that does not return within the settings' stop timeout is
 *     left behind with a warning.
 * <li><b>Durability</b>: the encoder checkpoints the sink at the settings' interval and hands what is
 *     durable to the source ({@link FrameSource#acknowledge}), and once more after the commit where that moves it forward.
 * </ul>
 *
 * <p>The pipeline borrows its source, operator and sink; their owner closes them after {@code run}.
 */
public final class StagedPipeline {
    private final FrameSource source;
    private final FrameOperator operator;
    private final FrameSink sink;
    private final PipelineSettings settings;
    /** Frames alive at once at most: sizes the returned-frames queue and the latency clock. */
    private final int framesInFlight;
    private final JobControl control = new JobControl();
    private final StageMeter decodeMeter = new StageMeter("decode");
    private final StageMeter inferMeter = new StageMeter("infer");
    private final StageMeter encodeMeter = new StageMeter("encode");
    private final StageQueue<MediaItem> decoded;
    private final StageQueue<Batch> processed;
    private final StageQueue<Batch> free;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final PipelineStats stats;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    public StagedPipeline(FrameSource source, FrameOperator operator, FrameSink sink, PipelineSettings settings) {
        this.source = source;
        this.operator = operator;
        this.sink = sink;
        this.settings = settings;
        int depth = operator.pipelineDepth();
        int batches = settings.batches(depth);
        this.framesInFlight = settings.framesInFlight(operator.maxBatch(), depth);
        this.decoded = new StageQueue<>("decoded", settings.queuedFrames(), control, true);
        this.processed = new StageQueue<>("inferred", settings.queuedBatches(), control);
        this.free = new StageQueue<>("free batches", batches, control);
        for (int i = 0; i < batches; i++) free.put(new Batch());
        this.returned = new ArrayBlockingQueue<>(framesInFlight);
        this.stats = new PipelineStats(List.of(decodeMeter, inferMeter, encodeMeter), List.of(decoded, processed));
    }

    /** With the default settings for the operator's batch size. */
    public StagedPipeline(FrameSource source, FrameOperator operator, FrameSink sink) {
        this(source, operator, sink, PipelineSettings.forBatch(operator.maxBatch()));
    }

    /**
     * Runs the job to the end of the source (or a {@link #stop()}), commits the sink and reports. Once only.
     *
     * @throws IOException      from the source or sink (the first failure of the job)
     * @throws RuntimeException from the operator or a stage (likewise)
     */
    public JobReport run(ProgressListener listener) throws IOException {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("a pipeline runs once");
        try {
            stats.started();
            long start = System.nanoTime();
            listener.started(source.info());
            source.expectFramesInFlight(framesInFlight);
            FrameClock clock = new FrameClock(framesInFlight, stats.frameLatency(), stats.latencyHistogram());
            DecodeStage decode = new DecodeStage(source, decoded, returned, control, decodeMeter, stats, clock,
                    settings, listener);
            EncodeStage encode = new EncodeStage(sink, source, settings, processed, free, returned, control,
                    encodeMeter, stats, clock, listener);
            Thread decoder = start("derain-decode", decode);
            Thread encoder = start("derain-encode", encode);
            new InferenceStage(operator, settings, decoded, processed, free, returned, control, inferMeter, stats,
                    clock).run();
            if (control.aborted()) source.wake(); // a failed job must not wait for a read either
            join(encoder);
            boolean decoderEnded = joinSource(decoder, listener);
            if (decoderEnded) releaseLeftovers();
            rethrowFailure();
            double seconds = (System.nanoTime() - start) / 1e9;
            boolean stopped = decode.cutShort() || stats.framesDropped(DropReason.STOP) > 0
                    || control.stopRequested() && source.info().live();
            JobReport report = new JobReport(stats.framesWritten(), stats.audioBlocks(), seconds, stopped,
                    stageStats(seconds), dropCounts(), stats.latencyHistogram().quantileSeconds(0.99));
            listener.finished(report);
            return report;
        } finally {
            finished.countDown();
        }
    }

    /**
     * Asks the job to finish early and keep its output (see the class comment). Returns at once; safe from
     * any thread, before or during {@link #run}, and more than once.
     */
    public void stop() {
        control.requestStop();
        source.wake();
    }

    /** Waits until {@link #run} has returned or thrown; false if it did not within the timeout. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Live counters, for metrics and progress. */
    public PipelineStats stats() { return stats; }

    private List<StageStats> stageStats(double seconds) {
        List<StageStats> list = new ArrayList<>(3);
        list.add(StageStats.of(decodeMeter, null, seconds));
        list.add(StageStats.of(inferMeter, decoded, seconds));
        list.add(StageStats.of(encodeMeter, processed, seconds));
        return list;
    }

    /** A stage's thread from the settings' factory, named after the stage (a caller's name is kept in front). */
    private Thread start(String name, Runnable stage) {
        Thread t = settings.threadFactory().newThread(stage);
        if (t == null) throw new IllegalStateException("the thread factory refused the " + name + " thread");
        t.setName(settings.threadFactory() == PipelineSettings.DAEMON_THREADS ? name : t.getName() + " " + name);
        t.start();
        return t;
    }

    private java.util.Map<DropReason, Long> dropCounts() {
        java.util.EnumMap<DropReason, Long> counts = new java.util.EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) counts.put(r, stats.framesDropped(r));
        return counts;
    }

    /**
     * Joins the decoder: at once after a normal end (it finished before inference did), within the stop
     * timeout after a stop or failure (the source was woken). A source that does not return is left behind,
     * a daemon thread, with a warning: the output is committed by then and must not wait for a network peer.
     */
    private boolean joinSource(Thread decoder, ProgressListener listener) {
        long timeoutMillis = Math.max(1, settings.stopTimeout().toMillis());
        try {
            decoder.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!decoder.isAlive()) return true;
        listener.warning(source.info().name() + ": the source did not return from a read within "
                + timeoutMillis + " ms of the stop; leaving it behind");
        return false;
    }

    /** Joins a stage; an interrupt of the caller stops the job instead of abandoning the thread. */
    private void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * After a failure, items may be left in the queues: free their audio now rather than at some GC. Frames
     * written after the decoder's last read go back to the source here (its thread has ended).
     */
    private void releaseLeftovers() {
        VideoFrame frame;
        while ((frame = returned.poll()) != null) source.recycle(frame);
        MediaItem item;
        while ((item = decoded.drain()) != null) {
            if (item instanceof AudioItem a) a.samples().close();
            if (item instanceof io.derain.pipeline.media.VideoItem v) {
                stats.frameDropped(DropReason.STOP); // queued by the decoder after inference stopped taking
                source.recycle(v.frame());
            }
        }
        Batch batch;
        while ((batch = processed.drain()) != null) {
            for (MediaItem i : batch.items()) {
                if (i instanceof AudioItem a) a.samples().close();
            }
            batch.clear();
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable failure = control.failure();
        if (failure == null) return;
        if (failure instanceof IOException e) throw e;
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        throw new IllegalStateException(failure.getMessage(), failure);
    }
}
