package io.derain.pipeline.cli;

import io.derain.pipeline.runtime.StagedPipeline;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a job gracefully when the JVM is asked to exit (SIGTERM, SIGINT, System.exit): the hook runs the
 * stop action it was given ({@link #onStop}, e.g. {@link StagedPipeline#stop()}) and then holds the JVM until
 * the job has committed its output and its owner has closed this (after reporting), or until {@code grace}
 * has passed. The JVM then exits with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT), whatever
 * the job returns, unless the job failed while stopping and its owner said so ({@link #exitWith}).
 *
 * <p>The CLI's, not the library's: it holds and may halt the JVM, which only the process owner may do (an embedding
 * service stops its jobs with {@code DerainJob.stop()}). Install it before anything that may wait (connecting to a camera): {@link #triggered()} tells such a
 * wait to give up. Close it when the job is over; closing removes the hook.
 */
public final class StopOnShutdown implements AutoCloseable {
    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean triggered;
    private volatile Runnable action = () -> {};
    private volatile int exitStatus = -1;

    public StopOnShutdown(Duration grace) {
        this.hook = new Thread(() -> {
            triggered = true;
            action.run();
            try {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (exitStatus >= 0) Runtime.getRuntime().halt(exitStatus);
        }, "derain-stop-on-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Stops {@code pipeline} on shutdown. */
    public StopOnShutdown(StagedPipeline pipeline, Duration grace) {
        this(grace);
        onStop(pipeline::stop);
    }

    /** What to run on shutdown; runs at once if the shutdown has begun already. */
    public void onStop(Runnable stop) {
        this.action = stop;
        if (triggered) stop.run();
    }

    /**
     * The exit status for a job that failed while stopping (its output is not what a stop keeps, so not
     * 128 + the signal): set it, after reporting the failure, before closing this.
     */
    public void exitWith(int status) { this.exitStatus = status; }

    /** Whether the JVM began shutting down while the job ran. */
    public boolean triggered() { return triggered; }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran: it returns now that done is counted down
        }
    }
}
