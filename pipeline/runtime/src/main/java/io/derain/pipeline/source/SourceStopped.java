package io.derain.pipeline.source;

import java.io.IOException;

/**
 * Thrown by a source's opening when the job was asked to stop (Ctrl-C, SIGTERM) before the source delivered
 * anything: a camera still connecting, a topic still waiting for its first frame. Not bad input: the job
 * ends as stopped.
 */
public class SourceStopped extends IOException {
    public SourceStopped(String message) { super(message); }
}
