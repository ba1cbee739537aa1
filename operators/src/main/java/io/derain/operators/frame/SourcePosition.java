package io.derain.operators.frame;

/**
 * Where a frame came from in terms its source understands, opaque to everything else: a Kafka record's
 * topic, partition and offset, a stream's reconnect epoch. Immutable, so a sink may keep it after the frame
 * is reused, and hand it back to the source once the frame's output is durable.
 */
public interface SourcePosition {
    /** For logs and dead-letter reports, e.g. {@code frames.raw-3@1042}. */
    String describe();
}
