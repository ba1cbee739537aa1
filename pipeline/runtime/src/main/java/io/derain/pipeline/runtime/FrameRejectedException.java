package io.derain.pipeline.runtime;

import io.derain.models.DerainException;

/**
 * A failure that concerns one frame or record only — a corrupt picture in a live stream, a poison record in
 * a topic — so the job skips it, counts it as {@link DropReason#REJECT} and goes on. Any other
 * exception from a source, operator or sink is fatal to the job.
 *
 * <p>Sources throw it from {@code next()}, sinks from {@code write()}; the message names the frame and
 * the problem, for the log and a dead-letter record. Kind {@link Kind#REJECTED_FRAME}.
 */
public class FrameRejectedException extends DerainException {
    public FrameRejectedException(String message) { super(Kind.REJECTED_FRAME, message); }
    public FrameRejectedException(String message, Throwable cause) { super(Kind.REJECTED_FRAME, message, cause); }
}
