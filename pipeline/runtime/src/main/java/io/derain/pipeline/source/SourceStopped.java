package io.derain.pipeline.source;

import io.derain.models.DerainException;

/**
 * Thrown by a source's opening when the job was asked to stop (Ctrl-C, SIGTERM) before the source delivered
 * anything: a camera still connecting, a topic still waiting for its first frame. Not bad input: the job
 * ends as stopped. Kind {@link Kind#STOPPED}.
 */
public class SourceStopped extends DerainException {
    public SourceStopped(String message) { super(Kind.STOPPED, message); }
}
