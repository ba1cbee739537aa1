package io.derain.pipeline.metrics;

import io.derain.pipeline.runtime.DropReason;
import io.derain.pipeline.runtime.PipelineStats;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.stream.Stream;
import io.derain.pipeline.runtime.QueueView;
import io.derain.pipeline.runtime.StageMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A running job's counters as Micrometer meters. Meters read the job's own accumulators when scraped
 * (function counters, timers and gauges), so the pipeline's hot path records nothing twice; only the latency
 * histogram is fed per frame. A {@code camera} tag on the registry (see {@code MetricsServer}) labels them
 * all. In Prometheus terms:
 *
 * <ul>
 * <li>{@code derain_frames_in_total}, {@code derain_frames_out_total}, {@code derain_audio_blocks_total},
 *     {@code derain_frames_dropped_total} by {@code reason} ({@code latency}, {@code rate}, {@code stop},
 *     {@code reject}: see {@code DropReason}), {@code derain_frames_durable_total};
 * <li>{@code derain_fps}: mean output rate since the job started (use {@code rate(derain_frames_out_total[1m])}
 *     for a recent one);
 * <li>{@code derain_stage_busy_seconds_{count,sum}} and {@code derain_stage_busy_max_seconds} by
 *     {@code stage} (decode and encode per item, infer per batch): sum / count is the mean latency of a
 *     stage's unit of work;
 * <li>{@code derain_frame_latency_seconds} (histogram, buckets 50 ms to 10 s): read from the source (for a
 *     live source, its capture) to written, per frame;
 * <li>{@code derain_queue_depth} and {@code derain_queue_capacity} by {@code queue}.
 * </ul>
 */
public final class PipelineMetrics implements MeterBinder {
    /** Histogram buckets of the frame latency: a live job's bound is about a second, the worst cases ten. */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
            .map(s -> Duration.ofMillis(Math.round(s * 1000))).toArray(Duration[]::new);

    private final PipelineStats stats;

    public PipelineMetrics(PipelineStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "derain.frames.in", "Video frames decoded", PipelineStats::framesRead);
        counter(registry, "derain.frames.out", "Video frames written", PipelineStats::framesWritten);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("derain.frames.dropped", stats, s -> s.framesDropped(reason))
                    .tag("reason", reason.label())
                    .description("Frames read but not written, by reason (latency, rate, stop, reject)")
                    .register(registry);
        }
        counter(registry, "derain.frames.durable", "Frames the sink reported durable at its last checkpoint",
                PipelineStats::framesDurable);
        counter(registry, "derain.audio.blocks", "Audio blocks written", PipelineStats::audioBlocks);
        Gauge.builder("derain.fps", stats, PipelineStats::framesPerSecond)
                .description("Frames written per second since the job started").register(registry);
        for (StageMeter stage : stats.stages()) {
            timer(registry, "derain.stage.busy", "Time a stage spent working, per unit of work", stage);
        }
        Timer latency = Timer.builder("derain.frame.latency")
                .description("Capture (read from the source) to written, per frame")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        stats.latencyHistogram().observe(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
        for (QueueView queue : stats.queues()) {
            Gauge.builder("derain.queue.depth", queue, QueueView::depth).tag("queue", queue.name())
                    .description("Items waiting in a queue between stages").register(registry);
            Gauge.builder("derain.queue.capacity", queue, QueueView::capacity).tag("queue", queue.name())
                    .register(registry);
        }
        Gauge.builder("derain.process.peak.rss", ProcessMemory::peakRssBytes).baseUnit("bytes")
                .description("Peak resident set size of the process (VmHWM)").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<PipelineStats> f) {
        FunctionCounter.builder(name, stats, f).description(help).register(registry);
    }

    private static void timer(MeterRegistry registry, String name, String help, StageMeter meter) {
        FunctionTimer.builder(name, meter, StageMeter::count, StageMeter::busyNanos, TimeUnit.NANOSECONDS)
                .tag("stage", meter.name()).description(help).register(registry);
        TimeGauge.builder(name + ".max", meter, TimeUnit.NANOSECONDS, StageMeter::maxNanos)
                .tag("stage", meter.name()).register(registry);
    }
}
