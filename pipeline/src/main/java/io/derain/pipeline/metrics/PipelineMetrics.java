package io.derain.pipeline.metrics;

import io.derain.pipeline.runtime.PipelineStats;
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
 * A running job's counters as Micrometer meters. Every meter reads the job's own accumulators when scraped
 * (function counters, timers and gauges), so the pipeline's hot path records nothing twice and allocates
 * nothing. In Prometheus terms:
 *
 * <ul>
 * <li>{@code derain_frames_in_total}, {@code derain_frames_out_total}, {@code derain_frames_dropped_total}
 *     (dropped: read but not written because the job was stopped), {@code derain_audio_blocks_total};
 * <li>{@code derain_fps}: mean output rate since the job started (use {@code rate(derain_frames_out_total[1m])}
 *     for a recent one);
 * <li>{@code derain_stage_busy_seconds_{count,sum}} and {@code derain_stage_busy_max_seconds} by
 *     {@code stage} (decode and encode per item, infer per batch): sum / count is the mean latency of a
 *     stage's unit of work;
 * <li>{@code derain_frame_latency_seconds_{count,sum}}, {@code derain_frame_latency_max_seconds}: decoded
 *     to encoded, per frame;
 * <li>{@code derain_queue_depth} and {@code derain_queue_capacity} by {@code queue}.
 * </ul>
 */
public final class PipelineMetrics implements MeterBinder {
    private final PipelineStats stats;

    public PipelineMetrics(PipelineStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "derain.frames.in", "Video frames decoded", PipelineStats::framesRead);
        counter(registry, "derain.frames.out", "Video frames written", PipelineStats::framesWritten);
        counter(registry, "derain.frames.dropped", "Frames read but not written (job stopped)",
                PipelineStats::framesDropped);
        counter(registry, "derain.audio.blocks", "Audio blocks written", PipelineStats::audioBlocks);
        Gauge.builder("derain.fps", stats, PipelineStats::framesPerSecond)
                .description("Frames written per second since the job started").register(registry);
        for (StageMeter stage : stats.stages()) {
            timer(registry, "derain.stage.busy", "Time a stage spent working, per unit of work", stage);
        }
        timer(registry, "derain.frame.latency", "Decoded to encoded, per frame", stats.frameLatency());
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
