package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.bytedeco.javacv.Frame;

/**
 * In-memory stand-ins for a source, an operator and a sink that record what happened to each item, in
 * terms of a stream log like "v0 v1 a v2": frames by index, audio as "a".
 */
final class Fakes {
    private Fakes() {}

    /** {@code frames} tiny frames with an audio block after every {@code audioEvery}-th (0: none). */
    static final class Source implements FrameSource {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final int frames;
        final int audioEvery;
        private final ArrayDeque<VideoFrame> pool = new ArrayDeque<>();
        volatile int allocated;
        volatile int outstanding;
        volatile int maxOutstanding;
        volatile Thread reader;
        volatile boolean foreignThread;
        volatile IntConsumer beforeFrame = i -> {};
        private int next;
        private boolean audioDue;

        Source(int frames, int audioEvery) {
            this.frames = frames;
            this.audioEvery = audioEvery;
        }

        @Override
        public SourceInfo info() { return new SourceInfo("fake", 8, 4, 25, frames, null); }

        @Override
        public MediaItem next() throws IOException {
            checkThread();
            if (audioDue) {
                audioDue = false;
                log.add("a");
                return new AudioItem(new Frame());
            }
            if (next >= frames) return null;
            beforeFrame.accept(next);
            VideoFrame f = pool.pollFirst();
            if (f == null) {
                f = new VideoFrame(8, 4);
                allocated++;
            }
            f.setIndex(next);
            f.pixels().put(0, (byte) 0);
            outstanding++;
            maxOutstanding = Math.max(maxOutstanding, outstanding);
            log.add("v" + next);
            next++;
            audioDue = audioEvery > 0 && next % audioEvery == 0;
            return new VideoItem(f);
        }

        @Override
        public void recycle(VideoFrame frame) {
            checkThread();
            outstanding--;
            pool.addFirst(frame);
        }

        private void checkThread() {
            if (reader == null) reader = Thread.currentThread();
            // Single-threaded means one thread at a time: another may take over once the reader has ended.
            if (reader != Thread.currentThread() && reader.isAlive()) foreignThread = true;
        }

        @Override
        public void close() {}
    }

    /** Marks each frame's first byte as processed (1); {@code onBatch} may delay or throw. */
    static final class Operator implements FrameOperator {
        final int maxBatch;
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger batches = new AtomicInteger();
        volatile Thread thread;
        volatile IntConsumer onBatch = i -> {};

        Operator(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        @Override
        public void apply(List<VideoFrame> batch) {
            thread = Thread.currentThread();
            onBatch.accept(batches.getAndIncrement());
            batchSizes.add(batch.size());
            for (VideoFrame f : batch) f.pixels().put(0, (byte) 1);
        }

        @Override
        public int maxBatch() { return maxBatch; }

        @Override
        public void close() {}
    }

    /**
     * An operator that works on two batches at once, like the derain operator's ring on CUDA: submit only
     * takes a batch, complete marks the oldest one's frames processed (1).
     */
    static final class PipelinedOperator implements FrameOperator {
        final int maxBatch;
        final java.util.ArrayDeque<List<VideoFrame>> inFlight = new java.util.ArrayDeque<>();
        int maxInFlight;
        int completed;

        PipelinedOperator(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        @Override
        public int pipelineDepth() { return 2; }

        @Override
        public void submit(List<VideoFrame> batch) {
            if (inFlight.size() == 2) throw new AssertionError("a third batch in flight");
            inFlight.add(batch);
            maxInFlight = Math.max(maxInFlight, inFlight.size());
        }

        @Override
        public void complete() {
            for (VideoFrame f : inFlight.removeFirst()) f.pixels().put(0, (byte) 1);
            completed++;
        }

        @Override
        public void apply(List<VideoFrame> batch) {
            submit(batch);
            complete();
        }

        @Override
        public int maxBatch() { return maxBatch; }

        @Override
        public void close() {}
    }

    /** Logs what it receives; fails on unprocessed frames; {@code onFrame} may delay, stop or throw. */
    static class Sink implements FrameSink {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile boolean committed;
        volatile IoConsumer onFrame = i -> {};

        interface IoConsumer {
            void accept(int written) throws IOException;
        }

        @Override
        public void write(VideoFrame frame) throws IOException {
            if (frame.pixels().get(0) != 1) throw new AssertionError(frame + " reached the sink unprocessed");
            log.add("v" + frame.index());
            onFrame.accept(frames());
        }

        @Override
        public void write(AudioItem audio) {
            log.add("a");
        }

        int frames() {
            synchronized (log) {
                return (int) log.stream().filter(s -> s.startsWith("v")).count();
            }
        }

        @Override
        public void commit() {
            committed = true;
        }

        @Override
        public void close() {}
    }
}
