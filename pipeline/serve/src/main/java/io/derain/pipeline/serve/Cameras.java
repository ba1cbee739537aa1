package io.derain.pipeline.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The cameras of one {@code serve} process, each a {@link CameraRunner} on the one {@link SharedInference}.
 * Owns the runners (stopped and waited for on close), not the shared inference.
 */
public final class Cameras implements AutoCloseable {
    private final SharedInference shared;
    private final ThreadFactory threads;
    private final Consumer<String> events;
    private final CameraListener listener;
    private final Map<String, CameraRunner> runners = new LinkedHashMap<>();
    /** How long a stopping camera may take to commit its output. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    public Cameras(SharedInference shared, ThreadFactory threads, Consumer<String> events) {
        this(shared, threads, events, CameraListener.NONE);
    }

    /** @param listener told when each camera's job runs and ends (metrics) */
    public Cameras(SharedInference shared, ThreadFactory threads, Consumer<String> events, CameraListener listener) {
        this.shared = shared;
        this.threads = threads;
        this.events = events;
        this.listener = listener;
    }

    /** Starts a camera; its id must not be running already. */
    public synchronized CameraRunner start(CameraConfig camera) {
        if (runners.containsKey(camera.id())) throw new IllegalStateException("camera " + camera.id() + " already runs");
        CameraRunner runner = new CameraRunner(camera, shared.forCamera(camera.id()), threads, events, listener);
        runners.put(camera.id(), runner);
        runner.start();
        return runner;
    }

    /**
     * Applies a changed cameras file: removed cameras stop (their outputs committed), added ones start, changed
     * ones restart, untouched ones are not disturbed. The model and its batching stay as they are (a restart
     * changes them). Returns one line saying what changed.
     */
    public synchronized String apply(List<CameraConfig> next) {
        Map<String, CameraConfig> wanted = new LinkedHashMap<>();
        for (CameraConfig c : next) wanted.put(c.id(), c);
        List<String> removed = new ArrayList<>(), changed = new ArrayList<>(), added = new ArrayList<>();
        List<CameraRunner> stopping = new ArrayList<>();
        for (CameraRunner r : new ArrayList<>(runners.values())) {
            CameraConfig w = wanted.get(r.config().id());
            if (w == null || !w.equals(r.config())) {
                (w == null ? removed : changed).add(r.config().id());
                r.stop();
                stopping.add(r);
            }
        }
        awaitEnded(stopping); // all stopping at once, then each waited for
        for (CameraRunner r : stopping) runners.remove(r.config().id());
        for (CameraConfig c : next) {
            if (!runners.containsKey(c.id())) {
                if (!changed.contains(c.id())) added.add(c.id());
                start(c);
            }
        }
        return "removed " + removed + ", added " + added + ", restarted " + changed
                + ", untouched " + (runners.size() - added.size() - changed.size());
    }

    /** The cameras, in the order they were started. */
    public synchronized List<CameraRunner> all() {
        return Collections.unmodifiableList(new ArrayList<>(runners.values()));
    }

    /** The camera of that id, or null. */
    public synchronized CameraRunner find(String id) {
        return runners.get(id);
    }

    /** Adds a sample to every camera's {@link CameraHistory} (serve calls it once a second). */
    public void sampleHistory() {
        long now = System.currentTimeMillis();
        for (CameraRunner r : all()) {
            var job = r.job();
            r.history().sample(now, job == null || job.pipeline() == null ? null : job.pipeline().stats());
        }
    }

    /** Whether every camera's job has ended (stopped, failed or its input ran out). */
    public boolean allEnded() {
        for (CameraRunner r : all()) {
            CameraRunner.State s = r.state();
            if (s == CameraRunner.State.CONNECTING || s == CameraRunner.State.RUNNING) return false;
        }
        return true;
    }

    /** One line per camera that is not ready ("cam1: reconnecting"), or an empty string when all are. */
    public String notReady() {
        StringBuilder problems = new StringBuilder();
        for (CameraRunner r : all()) {
            String why = r.notReady();
            if (why != null) problems.append(r.config().id()).append(": ").append(why).append('\n');
        }
        return problems.toString();
    }

    /** Asks every camera to stop at once (outputs committed); returns at once. */
    public void stopAll() {
        for (CameraRunner r : all()) r.stop();
    }

    /** Stops every camera together, then waits for each (up to 30 s apiece) so that every output is committed. */
    @Override
    public void close() {
        stopAll();
        awaitEnded(all());
    }

    /** Waits for each of {@code stopping} to end, up to 30 s apiece; one that does not is left behind, said once. */
    private void awaitEnded(List<CameraRunner> stopping) {
        for (CameraRunner r : stopping) {
            try {
                if (!r.awaitEnded(STOP_TIMEOUT)) events.accept(r.config().id() + ": did not stop within 30 s; left behind");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
