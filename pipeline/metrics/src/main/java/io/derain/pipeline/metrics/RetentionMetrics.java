package io.derain.pipeline.metrics;

import io.derain.pipeline.sink.SegmentRetention;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a segmented recording's retention deleted: {@code derain_retention_deleted_segments_total},
 * {@code derain_retention_deleted_bytes_total} and {@code derain_retention_failures_total} (segments it could not
 * delete: permissions, a file held open elsewhere).
 */
public final class RetentionMetrics implements MeterBinder {
    private final SegmentRetention retention;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();

    /** @param tags on every meter (serve's {@code camera}) */
    public RetentionMetrics(SegmentRetention retention, Tags tags) {
        this.retention = retention;
        this.tags = tags;
    }

    /** Removes these meters again (a camera removed from a running serve). */
    public void unbindFrom(MeterRegistry registry) {
        for (Meter m : meters) registry.remove(m);
        meters.clear();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(FunctionCounter.builder("derain.retention.deleted.segments", retention, SegmentRetention::segmentsDeleted)
                .description("Closed segments deleted by retention").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("derain.retention.deleted", retention, SegmentRetention::bytesDeleted).baseUnit("bytes")
                .description("Bytes of closed segments deleted by retention").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("derain.retention.failures", retention, SegmentRetention::failures)
                .description("Segments retention could not delete").tags(tags).register(registry));
    }
}
