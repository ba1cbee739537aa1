package io.derain.pipeline.runtime;

/** What the decoder does when inference has not taken the frames it decoded before. */
public enum QueuePolicy {
    /** Wait for room: nothing is lost, the source is read as fast as inference goes (files). */
    BLOCK,
    /**
     * Drop the oldest waiting frame for the new one ({@link DropReason#LATENCY}): a camera does not wait
     * for us, so the freshest frame is the one worth inferring (live sources).
     */
    DROP_OLDEST
}
