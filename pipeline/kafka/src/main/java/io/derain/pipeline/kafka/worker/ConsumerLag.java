package io.derain.pipeline.kafka.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples the consumer's current lag (records behind the end) of each assigned partition into
 * {@link WorkerStats#lag(TopicPartition)} (and the largest into {@link WorkerStats#lag()}) at most once a second. Per-partition {@code records-lag}, not
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
        java.util.Map<TopicPartition, Long> lags = new java.util.HashMap<>();
        java.util.Set<TopicPartition> assigned = consumer.assignment();
        for (var e : consumer.metrics().entrySet()) {
            var tags = e.getKey().tags();
            if (!e.getKey().name().equals("records-lag") || !tags.containsKey("partition") || !tags.containsKey("topic")) continue;
            // Kafka also registers each topic's metrics under its legacy name (dots as underscores): the assignment tells
            // the real one.
            TopicPartition p = new TopicPartition(tags.get("topic"), Integer.parseInt(tags.get("partition")));
            if (assigned.contains(p) && e.getValue().metricValue() instanceof Double lag && Double.isFinite(lag)) {
                lags.put(p, Math.round(lag));
            }
        }
        stats.lags(lags);
    }
}
