package io.derain.pipeline.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the stages of one job share besides their queues: a stop request (finish early, keep the output)
 * and the first failure (abort, discard the output). Later failures are attached to the first as
 * suppressed exceptions, so the report names the cause rather than a consequence.
 */
final class JobControl {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile boolean aborted;

    /** Asks the source to stop reading; what was read is still processed and written. */
    void requestStop() { stopRequested = true; }

    boolean stopRequested() { return stopRequested; }

    /** Records a stage's failure and aborts the job; the first one wins. */
    void fail(Throwable t) {
        if (t instanceof JobAborted) return; // a consequence, not a cause
        if (!failure.compareAndSet(null, t)) {
            Throwable first = failure.get();
            if (first != t) first.addSuppressed(t);
        }
        aborted = true;
    }

    boolean aborted() { return aborted; }

    void checkNotAborted() {
        if (aborted) throw new JobAborted();
    }

    Throwable failure() { return failure.get(); }
}
