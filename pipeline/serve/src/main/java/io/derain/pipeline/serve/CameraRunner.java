package io.derain.pipeline.serve;

import io.derain.models.DerainException;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.job.JobSettings;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.source.SourceStopped;
import io.derain.pipeline.view.LiveView;
import io.derain.pipeline.view.SnapshotJpeg;
import io.derain.pipeline.view.ViewJpegs;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one camera's job on a thread of its own until it is stopped or its input ends: opens it (waiting for a live
 * camera as the reconnect policy says), runs it through the camera's {@link CameraInference}, and keeps its state.
 * A failure ends this camera only. Owns its thread and the job; not the shared inference.
 */
public final class CameraRunner implements AutoCloseable {
    /** Where a camera is. */
    public enum State { CONNECTING, RUNNING, ENDED, STOPPED, FAILED }

    private final CameraConfig config;
    private final CameraInference inference;
    private final Consumer<String> events;
    private final CameraListener listener;
    private final ThreadFactory threads;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Captures for the web view: at most 5 a second, only while someone watches; panels 960 wide at most. */
    private final ViewJpegs pictures = new ViewJpegs(new LiveView(Duration.ofMillis(200)), new SnapshotJpeg(960, 80));
    private final CameraHistory history = new CameraHistory();
    private volatile State state = State.CONNECTING;
    private volatile String problem;
    private volatile JobReport report;
    private volatile DerainJob job;
    private volatile boolean stopping;

    CameraRunner(CameraConfig config, CameraInference inference, ThreadFactory threads, Consumer<String> events,
                 CameraListener listener) {
        this.config = config;
        this.inference = inference;
        this.events = events;
        this.listener = listener;
        this.threads = threads;
        this.thread = threads.newThread(this::run);
        thread.setName(thread.getName() + " derain-camera-" + config.id());
    }

    void start() {
        thread.start();
    }

    public CameraConfig config() { return config; }
    public State state() { return state; }
    /** Why it failed, one line; null unless {@link State#FAILED}. */
    public String problem() { return problem; }
    /** What its job did, once it ended or was stopped; null before. */
    public JobReport report() { return report; }
    /** The running job, for its live counters; null while connecting and after. */
    public DerainJob job() { return job; }
    /** What the camera shows people watching it (survives reconnects; a restarted camera is a new runner). */
    public ViewJpegs pictures() { return pictures; }
    /** Its last ten minutes, sampled by {@link Cameras#sampleHistory}. */
    public CameraHistory history() { return history; }

    /**
     * Why this camera is not ready, or null when it is: connecting (its camera has not answered yet), reconnecting
     * (a live camera dropped and is being retried), or failed. A file input that ran out is not "down".
     */
    public String notReady() {
        State s = state;
        if (s == State.CONNECTING) return "connecting";
        if (s == State.FAILED) return "failed: " + problem;
        DerainJob j = job;
        if (s == State.RUNNING && j != null && j.source() instanceof LiveSource camera && !camera.stats().isConnected()) {
            return "reconnecting (" + camera.stats().reconnects() + " reconnects so far)";
        }
        return null;
    }

    private void run() {
        JobSettings.Builder settings = JobSettings.builder(config.input(), config.output()).camera(config.id())
                .segment(config.segment()).retention(config.retain()).frameRate(config.fps()).maxLatency(config.maxLatency())
                .events(line -> events.accept(config.id() + ": " + line)).stopped(() -> stopping).threadFactory(threads)
                .view(pictures.view());
        try (DerainJob opened = DerainJob.open(settings.build())) {
            opened.attach(inference);
            synchronized (this) {
                job = opened;
                if (stopping) opened.stop();
            }
            state = State.RUNNING;
            listener.started(this, opened);
            events.accept(config.id() + ": recording " + opened.info().width() + "x" + opened.info().height());
            report = opened.run(ProgressListener.NONE);
            state = stopping ? State.STOPPED : State.ENDED;
        } catch (SourceStopped e) {
            state = State.STOPPED;
        } catch (DerainException | java.io.IOException e) {
            fail(e.getMessage());
        } catch (RuntimeException e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            job = null;
            try {
                listener.ended(this);
            } finally {
                ended.countDown();
            }
        }
    }

    private void fail(String message) {
        problem = message;
        state = State.FAILED;
        events.accept(config.id() + ": failed: " + message);
    }

    /** Asks the camera to stop: its output is committed with what was written. Returns at once. */
    public void stop() {
        synchronized (this) {
            stopping = true;
            if (job != null) job.stop();
        }
    }

    /** Waits until the camera's thread has ended; false if not within {@code timeout}. */
    public boolean awaitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops it and waits up to 30 s for its output to be committed. */
    @Override
    public void close() {
        stop();
        try {
            if (!awaitEnded(Cameras.STOP_TIMEOUT)) events.accept(config.id() + ": did not stop within 30 s; left behind");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
