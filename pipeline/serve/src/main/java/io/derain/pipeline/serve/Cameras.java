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
    private final Map<String, CameraRunner> runners = new LinkedHashMap<>();

    public Cameras(SharedInference shared, ThreadFactory threads, Consumer<String> events) {
        this.shared = shared;
        this.threads = threads;
        this.events = events;
    }

    /** Starts a camera; its id must not be running already. */
    public synchronized CameraRunner start(CameraConfig camera) {
        if (runners.containsKey(camera.id())) throw new IllegalStateException("camera " + camera.id() + " already runs");
        CameraRunner runner = new CameraRunner(camera, shared.forCamera(camera.id()), threads, events);
        runners.put(camera.id(), runner);
        runner.start();
        return runner;
    }

    /** The cameras, in the order they were started. */
    public synchronized List<CameraRunner> all() {
        return Collections.unmodifiableList(new ArrayList<>(runners.values()));
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
        for (CameraRunner r : all()) {
            try {
                if (!r.awaitEnded(Duration.ofSeconds(30))) events.accept(r.config().id() + ": did not stop within 30 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
