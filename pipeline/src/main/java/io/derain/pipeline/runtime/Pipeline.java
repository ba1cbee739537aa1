package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import java.io.IOException;

/**
 * Source → operator → sink on the calling thread: reads items, runs the operator on batches of frames,
 * writes everything in stream order, and commits the sink only when the whole source was consumed.
 * On any failure the sink is left uncommitted (its owner's close() discards the partial output).
 *
 * <p>The pipeline borrows its source, operator and sink; their owner closes them.
 */
public final class Pipeline {
    private final FrameSource source;
    private final FrameOperator operator;
    private final FrameSink sink;

    public Pipeline(FrameSource source, FrameOperator operator, FrameSink sink) {
        this.source = source;
        this.operator = operator;
        this.sink = sink;
    }

    public JobReport run(ProgressListener listener) throws IOException {
        long start = System.nanoTime();
        listener.started(source.info());
        BatchAssembler assembler = new BatchAssembler(operator.maxBatch());
        long[] counts = new long[2];
        MediaItem item;
        while ((item = source.next()) != null) {
            if (item instanceof VideoItem v) {
                operator.checkFrameSize(v.frame().width(), v.frame().height());
            }
            if (assembler.needsFlushBefore(item)) {
                flush(assembler, counts, listener);
            }
            assembler.add(item);
            if (assembler.isFull()) {
                flush(assembler, counts, listener);
            }
        }
        flush(assembler, counts, listener);
        sink.commit();
        JobReport report = new JobReport(counts[0], counts[1], (System.nanoTime() - start) / 1e9);
        listener.finished(report);
        return report;
    }

    private void flush(BatchAssembler assembler, long[] counts, ProgressListener listener) throws IOException {
        Batch batch = assembler.batch();
        if (batch.isEmpty()) return;
        if (!batch.frames().isEmpty()) {
            operator.apply(batch.frames());
        }
        for (MediaItem item : batch.items()) {
            if (item instanceof VideoItem v) {
                sink.write(v.frame());
                source.recycle(v.frame());
                counts[0]++;
            } else if (item instanceof AudioItem a) {
                sink.write(a);
                a.samples().close();
                counts[1]++;
            }
        }
        assembler.reset();
        listener.progressed(counts[0]);
    }
}
