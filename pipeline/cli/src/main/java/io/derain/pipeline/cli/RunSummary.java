package io.derain.pipeline.cli;

import io.derain.pipeline.live.CameraStats;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.source.SourceInfo;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The end-of-run line, printed even with -q: what was written, and for live or thinned jobs what was dropped
 * by reason, the reconnects and the latency, so a short output is never a surprise.
 */
final class RunSummary {
    private RunSummary() {}

    /** @param camera the live input's counters, or null for a file */
    static void print(PrintWriter err, JobReport report, SourceInfo info, String output, CameraStats camera) {
        print(err, report, info, output, camera, java.util.List.of());
    }

    /** @param damage what a --keep-going read went past (then the line says the input was damaged) */
    static void print(PrintWriter err, JobReport report, SourceInfo info, String output, CameraStats camera,
                      java.util.List<String> damage) {
        StringBuilder line = new StringBuilder("derain: ");
        if (report.stopped()) line.append("stopped: ");
        line.append(String.format(Locale.ROOT, "wrote %s: %d frames%s in %.1f s (%.2f fps)", output, report.frames(),
                report.stopped() && info.frameCount() > 0 ? " of " + info.frameCount() : "", report.seconds(),
                report.framesPerSecond()));
        if (info.live() || report.droppedTotal() > 0) line.append("; dropped: ").append(report.describeDrops());
        if (camera != null) {
            line.append("; reconnects ").append(camera.reconnects()).append(", stalls ").append(camera.stalls());
        }
        if (info.live() && report.frames() > 0) {
            line.append(String.format(Locale.ROOT, "; latency p99 %.2f s", report.latencyP99()));
        }
        if (report.stopped() && !info.live() && info.frameCount() > report.frames()) line.append("; the rest was not processed");
        if (!damage.isEmpty()) line.append("; completed with damaged input: ").append(String.join("; ", damage));
        err.println(line);
        err.flush();
    }
}
