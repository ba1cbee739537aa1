package io.derain.pipeline.runtime;

/**
 * Why a frame that a source produced never reached the sink. Dropping by policy is not failing: a live job
 * that sheds load keeps its exit code 0 (or 143 for a stop), and every drop is counted by its reason.
 */
public enum DropReason {
    /** Waited longer than the job's latency bound, or was pushed out of a full queue by a newer frame. */
    LATENCY,
    /** Thinned out to the job's target frame rate before inference. */
    RATE,
    /** Still waiting for inference when the job was asked to stop. */
    STOP,
    /** A per-frame error (see {@link FrameRejectedException}): this frame was skipped, the job went on. */
    REJECT;

    /** The Prometheus label value and the summary's word: lower case. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
