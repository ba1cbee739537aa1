package io.derain.pipeline.metrics;

import io.derain.pipeline.live.CameraStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * A live connection's counters: {@code derain_source_reconnects_total}, {@code derain_source_stalls_total},
 * {@code derain_source_disconnects_total} and {@code derain_source_connected} (1 or 0), with
 * {@code direction="in"} for the camera and {@code "out"} for a stream the job publishes.
 */
public final class CameraMetrics implements MeterBinder {
    private final CameraStats stats;
    private final String direction;

    public CameraMetrics(CameraStats stats, String direction) {
        this.stats = stats;
        this.direction = direction;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("derain.source.reconnects", stats, CameraStats::reconnects).tag("direction", direction)
                .description("Successful reconnects of a live stream").register(registry);
        FunctionCounter.builder("derain.source.stalls", stats, CameraStats::stalls).tag("direction", direction)
                .description("Connections dropped for sending nothing within the stall timeout").register(registry);
        FunctionCounter.builder("derain.source.disconnects", stats, CameraStats::disconnects).tag("direction", direction)
                .description("Connections lost for any reason").register(registry);
        Gauge.builder("derain.source.connected", stats, s -> s.isConnected() ? 1 : 0).tag("direction", direction)
                .description("Whether the stream is connected now").register(registry);
    }
}
