package io.derain.pipeline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The staged runtime with in-memory stages: order, back-pressure, failures, stop, partial batches. */
@Timeout(20)
class StagedPipelineTest {

    @AfterEach
    void stageThreadsAreGone() {
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("derain-") && t.isAlive()), "stage threads joined");
    }

    @Test
    void everythingArrivesInStreamOrderWithBoundedFramesInFlight() throws Exception {
        var source = new Fakes.Source(500, 7);
        var operator = new Fakes.Operator(3);
        var sink = new Fakes.Sink();
        sink.onFrame = n -> { if (n % 50 == 0) Thread.onSpinWait(); };
        var settings = PipelineSettings.forBatch(3);

        JobReport report = new StagedPipeline(source, operator, sink, settings).run(ProgressListener.NONE);

        assertEquals(source.log, sink.log, "frames and audio in stream order");
        assertTrue(sink.committed);
        assertEquals(500, report.frames());
        assertEquals(71, report.audioBlocks());
        assertFalse(report.stopped());
        assertSame(Thread.currentThread(), operator.thread, "operator on the caller's thread");
        assertFalse(source.foreignThread, "source read and recycled on one thread");
        int bound = settings.framesInFlight(3, 1);
        assertTrue(source.maxOutstanding <= bound, source.maxOutstanding + " frames in flight > " + bound);
        assertTrue(source.allocated <= bound, source.allocated + " frames allocated, frames not reused");
        assertTrue(operator.batchSizes.stream().allMatch(n -> n == 3 || n == 500 % 3), operator.batchSizes.toString());
        assertEquals(3, report.stages().size());
        assertEquals("decode", report.stages().get(0).name());
        assertEquals((500 + 2) / 3, report.stages().get(1).count(), "batches inferred");
        assertEquals(500 + 71, report.stages().get(2).count(), "items written");
    }

    /** An operator two batches deep gets the next batch before finishing the last; nothing else changes. */
    @Test
    void aPipelinedOperatorOverlapsBatchesAndKeepsStreamOrder() throws Exception {
        var source = new Fakes.Source(500, 7);
        var operator = new Fakes.PipelinedOperator(3);
        var sink = new Fakes.Sink();
        var settings = PipelineSettings.forBatch(3);

        JobReport report = new StagedPipeline(source, operator, sink, settings).run(ProgressListener.NONE);

        assertEquals(source.log, sink.log, "frames and audio in stream order, every frame completed");
        assertEquals(500, report.frames());
        assertEquals(2, operator.maxInFlight, "batches overlapped in the operator");
        assertTrue(operator.inFlight.isEmpty(), "every batch completed");
        assertEquals((500 + 2) / 3, operator.completed);
        assertEquals((500 + 2) / 3, report.stages().get(1).count(), "a batch counts once, when complete");
        int bound = settings.framesInFlight(3, 2);
        assertTrue(source.maxOutstanding <= bound, source.maxOutstanding + " frames in flight > " + bound);
    }

    @Test
    void theFirstFailureIsThrownAndTheSinkIsNotCommitted() {
        var source = new Fakes.Source(1000, 0);
        var operator = new Fakes.Operator(2);
        var sink = new Fakes.Sink();
        RuntimeException boom = new IllegalStateException("inference failed");
        operator.onBatch = b -> { if (b == 5) throw boom; };

        var thrown = assertThrows(IllegalStateException.class,
                () -> new StagedPipeline(source, operator, sink).run(ProgressListener.NONE));

        assertSame(boom, thrown);
        assertFalse(sink.committed);
        assertTrue(source.log.size() < 1000, "decoding stopped early");
    }

    @Test
    void aFailingSinkStopsTheJob() {
        var source = new Fakes.Source(1000, 0);
        var sink = new Fakes.Sink();
        sink.onFrame = n -> { if (n == 7) throw new IOException("disk full"); };

        var thrown = assertThrows(IOException.class,
                () -> new StagedPipeline(source, new Fakes.Operator(1), sink).run(ProgressListener.NONE));

        assertEquals("disk full", thrown.getMessage());
        assertFalse(sink.committed);
        assertEquals(7, sink.frames());
    }

    @Test
    void aFailingSourceIsReportedAsIs() {
        var source = new Fakes.Source(100, 0);
        source.beforeFrame = i -> { if (i == 30) throw new UncheckedIOException(new IOException("truncated")); };
        var sink = new Fakes.Sink();

        var thrown = assertThrows(UncheckedIOException.class,
                () -> new StagedPipeline(source, new Fakes.Operator(4), sink).run(ProgressListener.NONE));

        assertEquals("truncated", thrown.getCause().getMessage());
        assertFalse(sink.committed);
    }

    @Test
    void laterFailuresAreSuppressedIntoTheFirst() {
        JobControl control = new JobControl();
        IOException first = new IOException("first");
        IllegalStateException second = new IllegalStateException("second");
        control.fail(first);
        control.fail(new JobAborted());
        control.fail(second);
        assertSame(first, control.failure());
        assertEquals(1, first.getSuppressed().length);
        assertSame(second, first.getSuppressed()[0]);
        assertTrue(control.aborted());
    }

    @Test
    void stopWritesWhatWasInferredAndCommits() throws Exception {
        var source = new Fakes.Source(10_000, 5);
        var operator = new Fakes.Operator(2);
        var sink = new Fakes.Sink();
        var pipeline = new StagedPipeline(source, operator, sink);
        sink.onFrame = n -> { if (n == 20) pipeline.stop(); };

        JobReport report = pipeline.run(ProgressListener.NONE);

        assertTrue(report.stopped());
        assertTrue(sink.committed, "a stopped job keeps its output");
        assertEquals(sink.frames(), report.frames());
        assertTrue(report.frames() >= 20 && report.frames() < 40, report.frames() + " frames");
        assertEquals(source.log.subList(0, sink.log.size()), sink.log, "a gapless prefix of the stream");
        long read = source.log.stream().filter(s -> s.startsWith("v")).count();
        assertEquals(read, report.frames() + pipeline.stats().framesDropped(), "every frame read is written or dropped");
        assertEquals(0, source.outstanding, "dropped frames went back to the source");
    }

    @Test
    void aPartialBatchIsInferredAfterTheMaxWait() throws Exception {
        var source = new Fakes.Source(3, 0);
        var sink = new Fakes.Sink();
        CountDownLatch twoWritten = new CountDownLatch(2);
        sink.onFrame = n -> twoWritten.countDown();
        // A live source: the third frame only comes long after the first two.
        source.beforeFrame = i -> {
            if (i == 2) {
                try {
                    twoWritten.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        var operator = new Fakes.Operator(4);
        var settings = PipelineSettings.forBatch(4).withMaxBatchWait(Duration.ofMillis(50));

        long start = System.nanoTime();
        new StagedPipeline(source, operator, sink, settings).run(ProgressListener.NONE);

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "did not wait for a full batch");
        assertEquals(java.util.List.of(2, 1), operator.batchSizes);
        assertEquals(java.util.List.of("v0", "v1", "v2"), sink.log);
    }

    @Test
    void progressIsReportedAsFramesAreWritten() throws Exception {
        var frames = new java.util.concurrent.CopyOnWriteArrayList<Long>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progressed(long framesDone) { frames.add(framesDone); }
        };
        new StagedPipeline(new Fakes.Source(10, 0), new Fakes.Operator(4), new Fakes.Sink()).run(listener);
        assertEquals(java.util.List.of(4L, 8L, 10L), frames);
    }
}
