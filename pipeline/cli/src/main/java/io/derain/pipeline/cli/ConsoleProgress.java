package io.derain.pipeline.cli;

import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.source.SourceInfo;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows progress: a live bar (frames, fps, ETA) on a terminal; otherwise a plain log line every few
 * seconds, which reads well in CI logs and journald.
 */
final class ConsoleProgress implements ProgressListener, AutoCloseable {
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private final PrintStream log;
    private final boolean terminal;
    private ProgressBar bar;
    private long total = -1;
    private long startNanos;
    private long lastLogNanos;

    ConsoleProgress(PrintStream log, boolean terminal) {
        this.log = log;
        this.terminal = terminal;
    }

    @Override
    public void started(SourceInfo info) {
        total = info.frameCount();
        startNanos = lastLogNanos = System.nanoTime();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("derain").setInitialMax(Math.max(total, -1))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).showSpeed()
                    .setUpdateIntervalMillis(250).continuousUpdate().setConsumer(
                            new me.tongfei.progressbar.ConsoleProgressBarConsumer(log)).build();
        }
    }

    @Override
    public void progressed(long framesDone) {
        if (bar != null) {
            bar.stepTo(framesDone);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            lastLogNanos = now;
            double seconds = (now - startNanos) / 1e9;
            double fps = framesDone / seconds;
            StringBuilder line = new StringBuilder("derain: ").append(framesDone);
            if (total > 0) {
                line.append('/').append(total).append(String.format(" frames (%.0f%%)", 100.0 * framesDone / total));
            } else {
                line.append(" frames");
            }
            line.append(String.format(", %.2f fps", fps));
            if (total > 0 && fps > 0) {
                line.append(", ETA ").append(format(Duration.ofSeconds(Math.round((total - framesDone) / fps))));
            }
            log.println(line);
        }
    }

    @Override
    public void finished(JobReport report) {
        close();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
