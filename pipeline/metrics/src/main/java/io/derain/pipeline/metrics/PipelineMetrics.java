package io.derain.pipeline.metrics;

import io.derain.pipeline.runtime.DropReason;
import io.derain.pipeline.runtime.PipelineStats;
import io.derain.pipeline.runtime.QueueView;
import io.derain.pipeline.runtime.StageMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

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
 * <li>{@code derain_lens_coverage_ratio}: the share of the lens the raindrop maps call drops, smoothed over about
 *     20 frames (a rate is {@code rate(derain_frames_out_total[1m])}; no derived gauges);
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
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();

    public PipelineMetrics(PipelineStats stats) {
        this(stats, Tags.empty());
    }

    /** @param tags on every meter of this job (serve's {@code camera}; a single job's registry has common tags instead) */
    public PipelineMetrics(PipelineStats stats, Tags tags) {
        this.stats = stats;
        this.tags = tags;
    }

    /** Removes this job's meters again (a camera removed from a running serve). */
    public void unbindFrom(MeterRegistry registry) {
        for (Meter m : meters) registry.remove(m);
        meters.clear();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "derain.frames.in", "Video frames decoded", PipelineStats::framesRead);
        counter(registry, "derain.frames.out", "Video frames written", PipelineStats::framesWritten);
        for (DropReason reason : DropReason.values()) {
            meters.add(FunctionCounter.builder("derain.frames.dropped", stats, s -> s.framesDropped(reason))
                    .tag("reason", reason.label())
                    .description("Frames read but not written, by reason (latency, rate, stop, reject)")
                    .tags(tags).register(registry));
        }
        counter(registry, "derain.frames.durable", "Frames the sink reported durable at its last checkpoint",
                PipelineStats::framesDurable);
        counter(registry, "derain.audio.blocks", "Audio blocks written", PipelineStats::audioBlocks);
        meters.add(Gauge.builder("derain.lens.coverage", stats, PipelineStats::lensCoverage).baseUnit("ratio")
                .description("Share of the lens the raindrop maps call drops, smoothed over about 20 frames").tags(tags).register(registry));
        for (StageMeter stage : stats.stages()) {
            timer(registry, "derain.stage.busy", "Time a stage spent working, per unit of work", stage);
        }
        Timer latency = Timer.builder("derain.frame.latency")
                .description("Capture (read from the source) to written, per frame")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .tags(tags).register(registry);
        meters.add(latency);
        stats.latencyHistogram().observe(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
        for (QueueView queue : stats.queues()) {
            meters.add(Gauge.builder("derain.queue.depth", queue, QueueView::depth).tag("queue", queue.name())
                    .description("Items waiting in a queue between stages").tags(tags).register(registry));
            meters.add(Gauge.builder("derain.queue.capacity", queue, QueueView::capacity).tag("queue", queue.name())
                    .description("Items a queue between stages holds at most").tags(tags).register(registry));
        }
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<PipelineStats> f) {
        meters.add(FunctionCounter.builder(name, stats, f).description(help).tags(tags).register(registry));
    }

    private void timer(MeterRegistry registry, String name, String help, StageMeter meter) {
        meters.add(FunctionTimer.builder(name, meter, StageMeter::count, StageMeter::busyNanos, TimeUnit.NANOSECONDS)
                .tag("stage", meter.name()).description(help).tags(tags).register(registry));
        meters.add(TimeGauge.builder(name + ".max", meter, TimeUnit.NANOSECONDS, StageMeter::maxNanos)
                .tag("stage", meter.name()).description("Longest unit of work of a stage so far").tags(tags).register(registry));
    }
}
