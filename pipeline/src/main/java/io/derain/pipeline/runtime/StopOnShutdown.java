package io.derain.pipeline.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a job gracefully when the JVM is asked to exit (SIGTERM, SIGINT, System.exit): the hook calls
 * {@link StagedPipeline#stop()} and then holds the JVM until the job has committed its output and its owner
 * has closed this (after reporting), or until {@code grace} has passed. The JVM then exits with 128 + the
 * signal's number (143 for SIGTERM, 130 for SIGINT), whatever the job returns.
 *
 * <p>Close it when the job is over; closing removes the hook.
 */
public final class StopOnShutdown implements AutoCloseable {
    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean triggered;

    public StopOnShutdown(StagedPipeline pipeline, Duration grace) {
        this.hook = new Thread(() -> {
            triggered = true;
            pipeline.stop();
            try {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "derain-stop-on-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

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
