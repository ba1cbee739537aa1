package io.derain.pipeline.sink;

import io.derain.operators.frame.SourcePosition;

/**
 * How much of a sink's output is durable: it survives a crash of this process from now on (a closed
 * segment file, records acknowledged by every in-sync Kafka replica, a committed file).
 *
 * @param frames       frames durable since the sink was opened
 * @param lastPosition the source position of the last durable frame, or null if none or the source has none;
 *                     a source that commits (Kafka) may commit up to it
 */
public record SinkCheckpoint(long frames, SourcePosition lastPosition) {
    /** Nothing durable yet. */
    public static final SinkCheckpoint NONE = new SinkCheckpoint(0, null);

    public SinkCheckpoint {
        if (frames < 0) throw new IllegalArgumentException("frames must not be negative");
    }
}
