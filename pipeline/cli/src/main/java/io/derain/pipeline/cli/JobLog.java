package io.derain.pipeline.cli;

import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.source.SourceInfo;
import java.io.PrintStream;

/**
 * Passes progress on to the console's display and prints what the job reports along the way: connection
 * events, warnings, and rejected frames — the first few in full, then one line every 100, so a 24-hour job
 * with a flaky camera does not drown its log. Lines come from several threads; println keeps them whole.
 * Borrows the progress display.
 */
final class JobLog implements ProgressListener {
    private static final int REJECTS_IN_FULL = 10;
    private final ProgressListener progress;
    private final PrintStream err;
    private final boolean quiet;
    private long rejects;

    JobLog(ProgressListener progress, PrintStream err, boolean quiet) {
        this.progress = progress;
        this.err = err;
        this.quiet = quiet;
    }

    /** A connection event of a live source or output (lost, reconnected); not shown with -q. */
    void event(String message) {
        if (!quiet) err.println("derain: " + message);
    }

    @Override public void started(SourceInfo info) { progress.started(info); }
    @Override public void progressed(long framesDone) { progress.progressed(framesDone); }
    @Override public void finished(JobReport report) { progress.finished(report); }

    @Override
    public synchronized void rejected(String message) {
        rejects++;
        if (rejects <= REJECTS_IN_FULL) {
            err.println("derain: skipped a frame: " + message);
        } else if (rejects % 100 == 0) {
            err.println("derain: " + rejects + " frames skipped so far; the last: " + message);
        }
    }

    @Override
    public void warning(String message) {
        err.println("derain: warning: " + message);
    }
}
