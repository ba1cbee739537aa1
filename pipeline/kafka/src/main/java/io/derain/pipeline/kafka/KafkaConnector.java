package io.derain.pipeline.kafka;

import io.derain.models.SettingsException;
import io.derain.pipeline.job.Connector;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A job's {@code kafka://HOST:PORT/TOPIC} ends: one camera's frames read from a topic ({@link KafkaFrameSource}),
 * frames written to one ({@link KafkaFrameSink}). Holds settings only; each job owns the source and sink opened for it.
 */
public final class KafkaConnector implements Connector {
    private final KafkaSourceSettings source;
    private final Function<String, KafkaSinkSettings> sink;

    private KafkaConnector(KafkaSourceSettings source, Function<String, KafkaSinkSettings> sink) {
        this.source = source;
        this.sink = sink;
    }

    /**
     * @param source how to read a kafka:// input, or null where the job reads none
     * @param sink   how to write a kafka:// output, asked once the job's camera id is known (records are keyed by
     *               it), or null where the job writes none
     */
    public static KafkaConnector of(KafkaSourceSettings source, Function<String, KafkaSinkSettings> sink) {
        return new KafkaConnector(source, sink);
    }

    @Override
    public boolean handles(String uri) {
        return KafkaUrl.isKafkaUrl(uri);
    }

    @Override
    public FrameSource openSource(String uri, BooleanSupplier stopped) throws IOException {
        if (source == null) throw new SettingsException(uri + ": a kafka:// input needs its KafkaSourceSettings");
        return KafkaFrameSource.open(source, stopped);
    }

    @Override
    public String camera(String uri) {
        return source == null ? null : source.camera();
    }

    @Override
    public FrameSink openSink(String uri, String camera, SourceInfo info) throws IOException {
        if (sink == null) throw new SettingsException(uri + ": a kafka:// output needs its KafkaSinkSettings");
        return KafkaFrameSink.open(sink.apply(camera));
    }
}
