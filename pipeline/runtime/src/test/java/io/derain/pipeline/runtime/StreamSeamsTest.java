package io.derain.pipeline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.SourcePosition;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.SinkCheckpoint;
import io.derain.pipeline.source.FramePool;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runtime's stream seams with fakes: load shedding, per-frame rejects, wake-ups and checkpoints. */
@Timeout(30)
class StreamSeamsTest {

    /** Frames every {@code intervalMillis} (real time, like a camera), timestamps 40 ms apart. */
    static final class Camera implements FrameSource {
        final int frames;
        final long intervalMillis;
        final boolean live;
        final FramePool pool = new FramePool();
        final List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        volatile IntPredicate reject = i -> false;
        volatile CountDownLatch blockAt; // next() blocks at this frame until woken
        volatile int blockIndex = -1;
        final CountDownLatch woken = new CountDownLatch(1);
        int next;

        Camera(int frames, long intervalMillis, boolean live) {
            this.frames = frames;
            this.intervalMillis = intervalMillis;
            this.live = live;
        }

        @Override
        public SourceInfo info() { return new SourceInfo("camera", 8, 4, 25, live ? -1 : frames, null, live); }

        @Override
        public MediaItem next() throws java.io.IOException {
            if (next >= frames) return null;
            if (next == blockIndex) {
                try {
                    woken.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
            int i = next++;
            if (intervalMillis > 0) sleep(intervalMillis);
            if (reject.test(i)) throw new FrameRejectedException("frame " + i + " is corrupt");
            VideoItem item = pool.acquire(8, 4);
            VideoFrame f = item.frame();
            f.setIndex(i);
            f.setTimestampMicros(i * 40_000L);
            f.metadata().clear();
            f.metadata().setPosition(new Offset(i));
            return item;
        }

        @Override public void recycle(VideoFrame frame) { pool.release(frame); }
        @Override public void expectFramesInFlight(int n) { pool.expect(n); }
        @Override public void wake() { woken.countDown(); }
        @Override public void acknowledge(SinkCheckpoint durable) {
            acknowledged.add(durable.lastPosition() == null ? -1 : ((Offset) durable.lastPosition()).offset);
        }
        @Override public void close() {}
    }

    record Offset(long offset) implements SourcePosition {
        @Override public String describe() { return "@" + offset; }
    }

    /** Takes {@code millis} per batch. */
    static Fakes.Operator slowOperator(long millis) {
        Fakes.Operator op = new Fakes.Operator(1);
        op.onBatch = b -> sleep(millis);
        return op;
    }

    /** Records indices; rejects those {@code reject} says; every frame is durable at once. */
    static final class Recorder extends Fakes.Sink {
        final List<Long> indices = Collections.synchronizedList(new ArrayList<>());
        volatile IntPredicate reject = i -> false;
        volatile SourcePosition last;

        @Override
        public void write(VideoFrame frame) throws java.io.IOException {
            if (reject.test((int) frame.index())) throw new FrameRejectedException("frame " + frame.index() + " too large");
            super.write(frame);
            indices.add(frame.index());
            last = frame.metadata().position();
        }

        @Override
        public SinkCheckpoint checkpoint() { return new SinkCheckpoint(indices.size(), last); }
    }

    @Test
    void aLiveSourceFasterThanInferenceIsShedByPolicyNotQueued() throws Exception {
        Camera camera = new Camera(300, 2, true);
        Recorder sink = new Recorder();
        var pipeline = new StagedPipeline(camera, slowOperator(20), sink, PipelineSettings.forLive(1, Duration.ofSeconds(1)));
        JobReport report = pipeline.run(ProgressListener.NONE);

        assertFalse(report.stopped(), "the camera ended by itself");
        assertEquals(300, report.frames() + report.droppedTotal(), "every frame written or dropped: " + report.describeDrops());
        assertTrue(report.dropped().get(DropReason.LATENCY) > 100, report.describeDrops());
        assertEquals(0, report.dropped().get(DropReason.STOP));
        List<Long> written = new ArrayList<>(sink.indices);
        for (int i = 1; i < written.size(); i++) assertTrue(written.get(i) > written.get(i - 1), "in order");
        assertTrue(report.latencyP99() < 0.2, "the freshest frames are inferred: p99 " + report.latencyP99());
    }

    @Test
    void framesOlderThanTheLatencyBoundAreDroppedAtTheOperator() throws Exception {
        Camera camera = new Camera(60, 0, false);
        Recorder sink = new Recorder();
        var settings = new PipelineSettings(8, 1, Duration.ZERO, QueuePolicy.BLOCK, Duration.ofMillis(15), Duration.ZERO,
                Duration.ofSeconds(5), 0, PipelineSettings.DAEMON_THREADS);
        JobReport report = new StagedPipeline(camera, slowOperator(10), sink, settings).run(ProgressListener.NONE);
        assertTrue(report.dropped().get(DropReason.LATENCY) > 0, report.describeDrops());
        assertEquals(60, report.frames() + report.dropped().get(DropReason.LATENCY));
    }

    @Test
    void aTargetFrameRateKeepsFramesEvenlyBySourceTime() throws Exception {
        Camera camera = new Camera(100, 0, false); // 25 fps of source time
        Recorder sink = new Recorder();
        JobReport report = new StagedPipeline(camera, new Fakes.Operator(2), sink,
                PipelineSettings.forBatch(2).withFrameRate(5)).run(ProgressListener.NONE);
        assertEquals(20, report.frames());
        assertEquals(80, report.dropped().get(DropReason.RATE));
        for (int i = 0; i < 20; i++) assertEquals(5L * i, sink.indices.get(i), "every fifth frame");
    }

    @Test
    void rejectedFramesAreCountedAndSkippedAndTheJobGoesOn() throws Exception {
        Camera camera = new Camera(50, 0, false);
        camera.reject = i -> i % 10 == 3;        // the source cannot read 5 frames
        Recorder sink = new Recorder();
        sink.reject = i -> i == 20 || i == 21;   // the sink cannot write 2
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        ProgressListener listener = new ProgressListener() {
            @Override public void rejected(String message) { messages.add(message); }
        };
        JobReport report = new StagedPipeline(camera, new Fakes.Operator(4), sink).run(listener);
        assertEquals(43, report.frames());
        assertEquals(7, report.dropped().get(DropReason.REJECT));
        assertFalse(report.stopped());
        assertTrue(sink.committed);
        assertTrue(messages.contains("frame 3 is corrupt") && messages.contains("frame 21 too large"), messages.toString());
    }

    @Test
    void stopWakesASourceBlockedInARead() throws Exception {
        Camera camera = new Camera(1000, 5, true);
        camera.blockIndex = 30; // then next() blocks until wake()
        Recorder sink = new Recorder();
        var pipeline = new StagedPipeline(camera, new Fakes.Operator(1), sink, PipelineSettings.forLive(1, Duration.ZERO));
        CompletableFuture<JobReport> job = CompletableFuture.supplyAsync(() -> {
            try {
                return pipeline.run(ProgressListener.NONE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pipeline.stats().framesWritten() < 5 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(pipeline.stats().framesWritten() >= 5, "frames written before the block");
        Thread.sleep(100); // the decoder is blocked in next() now
        long stop = System.nanoTime();
        pipeline.stop();
        JobReport report = job.get(2, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - stop < TimeUnit.SECONDS.toNanos(1));
        assertTrue(report.stopped());
        assertTrue(sink.committed, "the output is committed");
    }

    @Test
    void checkpointsHandWhatIsDurableBackToTheSource() throws Exception {
        Camera camera = new Camera(40, 3, false);
        Recorder sink = new Recorder();
        var settings = PipelineSettings.forBatch(1).withCheckpointInterval(Duration.ofMillis(10));
        var pipeline = new StagedPipeline(camera, new Fakes.Operator(1), sink, settings);
        pipeline.run(ProgressListener.NONE);
        List<Long> acks = new ArrayList<>(camera.acknowledged);
        assertTrue(acks.size() >= 3, "checkpoints while running and at the commit: " + acks);
        for (int i = 1; i < acks.size(); i++) assertTrue(acks.get(i) > acks.get(i - 1), "moving forward: " + acks);
        assertEquals(39L, acks.get(acks.size() - 1), "all durable after the commit");
        assertEquals(40, pipeline.stats().framesDurable());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
