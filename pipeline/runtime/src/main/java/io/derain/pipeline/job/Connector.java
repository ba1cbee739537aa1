package io.derain.pipeline.job;

import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Opens the ends of a job that a URI scheme names which the runtime core does not read or write itself: a
 * {@code kafka://} topic through derain-kafka's {@code KafkaConnector}, for example. Given to a job with
 * {@link JobSettings.Builder#connector}; the job owns what a connector opens for it, the caller owns the connector
 * (which holds settings, not resources).
 */
public interface Connector {
    /** Whether this connector reads or writes {@code uri} (an input or output string as {@code derain run} takes it). */
    boolean handles(String uri);

    /**
     * Opens the job's input; waits as the connector's settings say, and gives up with
     * {@link io.derain.pipeline.source.SourceStopped} once {@code stopped} is true.
     */
    FrameSource openSource(String uri, BooleanSupplier stopped) throws IOException;

    /** The camera an input's frames belong to, or null for the job's default (the camera given, or the URI). */
    default String camera(String uri) {
        return null;
    }

    /** Opens the job's output for frames of {@code camera} as {@code info} describes them. */
    FrameSink openSink(String uri, String camera, SourceInfo info) throws IOException;
}
