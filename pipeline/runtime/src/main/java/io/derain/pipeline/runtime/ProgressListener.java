package io.derain.pipeline.runtime;

import io.derain.pipeline.source.SourceInfo;

/**
 * Told about a job's progress. {@link #started} and {@link #finished} are called on the thread that runs the
 * job, {@link #progressed} on the encoder's thread (one thread, after each batch written): implementations
 * must be quick, and need no locking as long as they keep to this.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    default void started(SourceInfo info) {}

    /** {@code framesDone} frames have been written to the sink. */
    default void progressed(long framesDone) {}

    /**
     * A frame was skipped for a per-frame error ({@link FrameRejectedException}); called from the stage that
     * met it (the decoder's or the encoder's thread).
     */
    default void rejected(String message) {}

    /** Something the user should know that is not a failure (a source that would not stop); any thread. */
    default void warning(String message) {}

    default void finished(JobReport report) {}
}
