package io.derain.pipeline.runtime;

import io.derain.pipeline.source.SourceInfo;

/** Told about a job's progress; called from the job's thread, so implementations must be quick. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    default void started(SourceInfo info) {}

    /** {@code framesDone} frames have been written to the sink. */
    default void progressed(long framesDone) {}

    default void finished(JobReport report) {}
}
