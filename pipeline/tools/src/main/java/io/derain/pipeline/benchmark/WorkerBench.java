package io.derain.pipeline.benchmark;

import io.derain.operators.FrameOperator;
import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaFrameSink;
import io.derain.pipeline.kafka.KafkaSinkSettings;
import io.derain.pipeline.kafka.worker.FrameWorker;
import io.derain.pipeline.kafka.worker.WorkerSettings;
import io.derain.pipeline.runtime.FrameLimit;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code derain bench --worker}: the same frames and model through {@code derain worker}'s loop, on a
 * single-node broker in this process. The frames are published first (JPEG, as an ingest job does); the
 * rate is committed output records per second from the worker's first polled record to its last commit,
 * so the group join is not counted.
 */
public final class WorkerBench {
    /** @param seconds first record polled → last transaction committed; {@code joinSeconds} before that */
    public record Result(long records, double seconds, double joinSeconds, long commits, int batch) {
        public double recordsPerSecond() { return seconds > 0 ? records / seconds : 0; }
    }

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private WorkerBench() {}

    /** Publishes the first {@code frames} frames of {@code input}, then derains them with {@code operator} (not owned). */
    public static Result run(Path input, int frames, FrameOperator operator, int batch, Path dir) throws IOException, InterruptedException {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")))) {
            KafkaClientConfig raw = KafkaClientConfig.of(broker.url("bench.raw"));
            long published = publish(input, frames, raw);
            WorkerSettings settings = WorkerSettings.of(raw, broker.url("bench.derained"), "bench")
                    .withBatch(batch, WorkerSettings.DEFAULT_MAX_WAIT).withInstanceId("bench")
                    .withIdleTimeout(IDLE_TIMEOUT); // the deadline: a record that never comes out does not hang the bench
            try (FrameWorker worker = FrameWorker.open(settings, operator)) {
                long start = System.nanoTime();
                AtomicLong firstRecord = new AtomicLong();
                Thread watcher = new Thread(() -> {
                    // stop once every record went out; run() then commits the open transaction and returns
                    while (worker.stats().framesOut() < published) {
                        if (firstRecord.get() == 0 && worker.stats().recordsIn() > 0) firstRecord.set(System.nanoTime());
                        if (sleepInterrupted()) return;
                    }
                    worker.stop();
                }, "derain-bench-watcher");
                watcher.setDaemon(true);
                watcher.start();
                try {
                    worker.run();
                } finally {
                    watcher.interrupt();
                    watcher.join(1000);
                }
                long end = System.nanoTime();
                if (worker.stats().framesOut() < published) {
                    throw new IOException("derain bench --worker: the worker derained " + worker.stats().framesOut() + " of "
                            + published + " records, then none for " + IDLE_TIMEOUT.toSeconds() + " s (" + worker.stats() + ")");
                }
                long first = firstRecord.get() == 0 ? start : firstRecord.get();
                return new Result(worker.stats().framesOut(), (end - first) / 1e9, (first - start) / 1e9,
                        worker.stats().commits(), batch);
            }
        }
    }

    /** The ingest job's pipeline: the first {@code frames} frames, no model, into the topic. */
    private static long publish(Path input, int frames, KafkaClientConfig client) throws IOException {
        try (FrameSource source = Sources.open(input);
             FrameLimit limited = new FrameLimit(source, frames);
             IdentityOperator none = new IdentityOperator(1);
             KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("bench"))) {
            return new StagedPipeline(limited, none, sink).run(ProgressListener.NONE).frames();
        }
    }

    private static boolean sleepInterrupted() {
        try {
            Thread.sleep(5);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
