package io.derain.pipeline.cli;

import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.live.StreamPublishSink;
import io.derain.pipeline.metrics.CameraMetrics;
import io.derain.pipeline.metrics.PipelineMetrics;
import io.derain.pipeline.metrics.RetentionMetrics;
import io.derain.pipeline.serve.CameraListener;
import io.derain.pipeline.serve.CameraRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * serve's meters: each camera's pipeline and stream counters, labelled {@code camera}, bound while its job runs and
 * removed when it ends (a camera removed or restarted leaves no stale series, and a new job of the same id binds afresh).
 */
final class CameraMeters implements CameraListener {
    private final MeterRegistry registry;
    private final Map<CameraRunner, List<Runnable>> unbind = new ConcurrentHashMap<>();

    CameraMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void started(CameraRunner camera, DerainJob job) {
        Tags tags = Tags.of("camera", camera.config().id());
        List<Runnable> undo = new ArrayList<>();
        PipelineMetrics pipeline = new PipelineMetrics(job.pipeline().stats(), tags);
        pipeline.bindTo(registry);
        undo.add(() -> pipeline.unbindFrom(registry));
        if (job.source() instanceof LiveSource source) {
            CameraMetrics in = new CameraMetrics(source.stats(), "in", tags);
            in.bindTo(registry);
            undo.add(() -> in.unbindFrom(registry));
        }
        if (job.sink() instanceof StreamPublishSink publish) {
            CameraMetrics out = new CameraMetrics(publish.stats(), "out", tags);
            out.bindTo(registry);
            undo.add(() -> out.unbindFrom(registry));
        }
        if (job.retention() != null) {
            RetentionMetrics retention = new RetentionMetrics(job.retention(), tags);
            retention.bindTo(registry);
            undo.add(() -> retention.unbindFrom(registry));
        }
        unbind.put(camera, undo);
    }

    @Override
    public void ended(CameraRunner camera) {
        List<Runnable> undo = unbind.remove(camera);
        if (undo != null) undo.forEach(Runnable::run);
    }
}
