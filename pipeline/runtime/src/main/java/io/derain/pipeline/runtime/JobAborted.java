package io.derain.pipeline.runtime;

/**
 * Thrown in a stage when another stage failed and the job is being torn down; carries no cause of its own
 * (the first failure is what gets reported), so it has no stack trace either.
 */
final class JobAborted extends RuntimeException {
    JobAborted() {
        super("job aborted", null, false, false);
    }
}
