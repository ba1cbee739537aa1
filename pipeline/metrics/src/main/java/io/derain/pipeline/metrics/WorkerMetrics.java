package io.derain.pipeline.metrics;

import io.derain.pipeline.kafka.worker.WorkerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * A Kafka worker's counters, read when scraped: {@code derain_worker_records_in_total},
 * {@code derain_worker_frames_out_total}, {@code derain_worker_dead_letters_total},
 * {@code derain_worker_skipped_total}, {@code derain_worker_transaction_commits_total},
 * {@code derain_worker_transaction_aborts_total}, {@code derain_worker_rewinds_total},
 * {@code derain_worker_transaction_retries_total},
 * {@code derain_worker_batches_total}, {@code derain_worker_batch_mean}, {@code derain_worker_batch_max} and
 * {@code derain_worker_consumer_lag} (records behind the end of the input, the largest over its partitions).
 */
public final class WorkerMetrics implements MeterBinder {
    private final WorkerStats stats;

    public WorkerMetrics(WorkerStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "derain.worker.records.in", "Records consumed", WorkerStats::recordsIn);
        counter(registry, "derain.worker.frames.out", "Derained frames committed to the output", WorkerStats::framesOut);
        counter(registry, "derain.worker.dead.letters", "Poison records sent to the dead-letter topic", WorkerStats::deadLettered);
        counter(registry, "derain.worker.skipped", "Poison records counted and skipped (no dead-letter topic)", WorkerStats::skipped);
        counter(registry, "derain.worker.transaction.commits", "Transactions committed", WorkerStats::commits);
        counter(registry, "derain.worker.transaction.aborts", "Transactions aborted", WorkerStats::aborts);
        counter(registry, "derain.worker.rewinds", "Seeks back to the committed offsets after an abort", WorkerStats::rewinds);
        counter(registry, "derain.worker.transaction.retries", "Transaction calls retried after a timeout (broker away)",
                WorkerStats::retries);
        counter(registry, "derain.worker.batches", "Batches inferred", WorkerStats::batches);
        Gauge.builder("derain.worker.batch.mean", stats, WorkerStats::meanBatch).description("Mean frames per batch").register(registry);
        Gauge.builder("derain.worker.batch.max", stats, WorkerStats::largestBatch).description("Largest batch").register(registry);
        Gauge.builder("derain.worker.consumer.lag", stats, WorkerStats::lag)
                .description("Records behind the end of the input (largest over the assigned partitions)").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<WorkerStats> f) {
        FunctionCounter.builder(name, stats, f).description(help).register(registry);
    }
}
