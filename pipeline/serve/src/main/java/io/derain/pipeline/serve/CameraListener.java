package io.derain.pipeline.serve;

import io.derain.pipeline.job.DerainJob;

/**
 * Told when a camera's job starts running and when the camera's thread ends, on that thread (serve binds and removes
 * the camera's meters here). Must not block.
 */
public interface CameraListener {
    CameraListener NONE = new CameraListener() {};

    /** The job has opened and attached: its pipeline and source counters exist. */
    default void started(CameraRunner camera, DerainJob job) {}

    /** The camera stopped, ended or failed; after {@link #started} if that was called. */
    default void ended(CameraRunner camera) {}
}
