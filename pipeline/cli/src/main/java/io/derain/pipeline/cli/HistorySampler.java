package io.derain.pipeline.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs {@code sample} once a second on a daemon thread of its own until closed: serve's camera histories. */
final class HistorySampler implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "derain-history");
        t.setDaemon(true);
        return t;
    });

    HistorySampler(Runnable sample) {
        timer.scheduleAtFixedRate(() -> {
            try {
                sample.run();
            } catch (RuntimeException e) {
                // a camera ending mid-sample: the next second samples again (a throw would end the schedule)
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
