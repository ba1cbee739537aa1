package io.derain.pipeline.metrics;

import io.derain.pipeline.kafka.worker.WorkerStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka worker's counters, read when scraped: {@code derain_worker_records_in_total},
 * {@code derain_worker_frames_out_total} by {@code camera} (the label {@code run} and {@code serve} use; at most
 * {@value WorkerStats#MAX_CAMERAS} cameras, the rest as {@code other}), {@code derain_worker_dead_letters_total},
 * {@code derain_worker_skipped_total}, {@code derain_worker_transaction_commits_total},
 * {@code derain_worker_transaction_aborts_total}, {@code derain_worker_rewinds_total},
 * {@code derain_worker_transaction_retries_total}, {@code derain_worker_batches_total},
 * {@code derain_worker_batch_frames} (histogram of frames per inference batch) and
 * {@code derain_worker_consumer_lag_records} by {@code topic} and {@code partition} (records behind the end of each
 * assigned partition, sampled each second; a revoked partition's series is removed).
 */
public final class WorkerMetrics implements MeterBinder {
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    private final WorkerStats stats;
    private final Map<TopicPartition, Meter> lags = new ConcurrentHashMap<>();

    public WorkerMetrics(WorkerStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "derain.worker.records.in", "Records consumed", WorkerStats::recordsIn);
        counter(registry, "derain.worker.dead.letters", "Poison records sent to the dead-letter topic", WorkerStats::deadLettered);
        counter(registry, "derain.worker.skipped", "Poison records counted and skipped (no dead-letter topic)", WorkerStats::skipped);
        counter(registry, "derain.worker.transaction.commits", "Transactions committed", WorkerStats::commits);
        counter(registry, "derain.worker.transaction.aborts", "Transactions aborted", WorkerStats::aborts);
        counter(registry, "derain.worker.rewinds", "Seeks back to the committed offsets after an abort", WorkerStats::rewinds);
        counter(registry, "derain.worker.transaction.retries", "Transaction calls retried after a timeout (broker away)",
                WorkerStats::retries);
        counter(registry, "derain.worker.batches", "Batches inferred", WorkerStats::batches);
        DistributionSummary batch = DistributionSummary.builder("derain.worker.batch.frames")
                .description("Frames per inference batch").serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        for (String camera : stats.cameras()) camera(registry, camera);
        stats.listen(new WorkerStats.Listener() {
            @Override
            public void camera(String id) {
                WorkerMetrics.this.camera(registry, id);
            }

            @Override
            public void partitions(Set<TopicPartition> assigned) {
                lags.entrySet().removeIf(e -> {
                    if (assigned.contains(e.getKey())) return false;
                    registry.remove(e.getValue());
                    return true;
                });
                for (TopicPartition p : assigned) {
                    lags.computeIfAbsent(p, k -> Gauge.builder("derain.worker.consumer.lag", stats, s -> s.lag(k))
                            .baseUnit("records").tag("topic", k.topic()).tag("partition", Integer.toString(k.partition()))
                            .description("Records behind the end of an assigned input partition").register(registry));
                }
            }

            @Override
            public void batch(int frames) {
                batch.record(frames);
            }
        });
    }

    private void camera(MeterRegistry registry, String id) {
        FunctionCounter.builder("derain.worker.frames.out", stats, s -> s.framesOut(id)).tag("camera", id)
                .description("Derained frames sent to the output (an aborted transaction's too; read_committed sees the committed)")
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<WorkerStats> f) {
        FunctionCounter.builder(name, stats, f).description(help).register(registry);
    }
}
