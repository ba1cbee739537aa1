package io.derain.pipeline.kafka.worker;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * Samples the consumer's current lag (records behind the end), the largest over its assigned partitions, into
 * {@link WorkerStats#lag()} at most once a second. Per-partition {@code records-lag}, not
 * {@code records-lag-max}: the latter is the maximum over a 30 s window and reads high long after the worker
 * caught up. Reads the {@link FrameWorker}'s consumer, on its thread; owns nothing.
 */
final class ConsumerLag {
    private final Consumer<byte[], byte[]> consumer;
    private final WorkerStats stats;
    private long sampledNanos;

    ConsumerLag(Consumer<byte[], byte[]> consumer, WorkerStats stats) {
        this.consumer = consumer;
        this.stats = stats;
    }

    void sample() {
        long now = System.nanoTime();
        if (now - sampledNanos < 1_000_000_000L) return;
        sampledNanos = now;
        long max = -1;
        for (var e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("records-lag") && e.getKey().tags().containsKey("partition")
                    && e.getValue().metricValue() instanceof Double lag && Double.isFinite(lag)) {
                max = Math.max(max, Math.round(lag));
            }
        }
        stats.lag.set(max);
    }
}
