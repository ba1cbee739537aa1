package io.derain.pipeline.metrics;

import io.derain.pipeline.live.CameraStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;

/**
 * A live connection's counters: {@code derain_source_reconnects_total}, {@code derain_source_stalls_total},
 * {@code derain_source_disconnects_total} and {@code derain_source_connected} (1 or 0), with
 * {@code direction="in"} for the camera and {@code "out"} for a stream the job publishes.
 */
public final class CameraMetrics implements MeterBinder {
    private final CameraStats stats;
    private final String direction;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();

    public CameraMetrics(CameraStats stats, String direction) {
        this(stats, direction, Tags.empty());
    }

    /** @param tags on every meter (serve's {@code camera}) */
    public CameraMetrics(CameraStats stats, String direction, Tags tags) {
        this.stats = stats;
        this.direction = direction;
        this.tags = tags;
    }

    /** Removes these meters again (a camera removed from a running serve). */
    public void unbindFrom(MeterRegistry registry) {
        for (Meter m : meters) registry.remove(m);
        meters.clear();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(FunctionCounter.builder("derain.source.reconnects", stats, CameraStats::reconnects).tag("direction", direction)
                .description("Successful reconnects of a live stream").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("derain.source.stalls", stats, CameraStats::stalls).tag("direction", direction)
                .description("Connections dropped for sending nothing within the stall timeout").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("derain.source.disconnects", stats, CameraStats::disconnects).tag("direction", direction)
                .description("Connections lost for any reason").tags(tags).register(registry));
        meters.add(Gauge.builder("derain.source.connected", stats, s -> s.isConnected() ? 1 : 0).tag("direction", direction)
                .description("Whether the stream is connected now").tags(tags).register(registry));
    }
}
