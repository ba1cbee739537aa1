package io.derain.pipeline.benchmark;

import io.derain.operators.derain.CpuFeatures;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.StageStats;
import io.derain.pipeline.source.SourceInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time goes on one clip, side by side in one run: the model alone, the pipeline end to end, the
 * pipeline without a model, the ffmpeg command doing that decode + encode, memory, and optionally the Kafka
 * worker on the same frames. Printed as text or as one JSON object (its keys are a stable interface).
 *
 * @param operator     the operator's description
 * @param worker       the worker's run, or {@code null} when not measured
 * @param rssGrowth    resident memory after the runs minus after the model's warm-up
 */
public record ThroughputReport(String input, SourceInfo info, String operator, int batch, ModelTiming modelOnly,
                               JobReport endToEnd, JobReport identity, FfmpegBaseline ffmpeg, long peakRss,
                               long rssGrowth, WorkerBench.Result worker) {

    public Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", input);
        r.put("width", info.width());
        r.put("height", info.height());
        r.put("frames", modelOnly.frames());
        r.put("operator", operator);
        r.put("batch", batch);
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("cpu", CpuFeatures.host().describe());
        r.put("allocator", ProcessMemory.allocator());
        r.put("model_only_fps", modelOnly.fps());
        r.put("model_only_seconds", modelOnly.seconds());
        r.put("end_to_end_fps", endToEnd.framesPerSecond());
        r.put("end_to_end_seconds", endToEnd.seconds());
        r.put("end_to_end_stages", stages(endToEnd));
        r.put("identity_fps", identity.framesPerSecond());
        r.put("identity_seconds", identity.seconds());
        r.put("identity_stages", stages(identity));
        r.put("ffmpeg_fps", ffmpeg.fps());
        r.put("ffmpeg_seconds", ffmpeg.seconds());
        r.put("ffmpeg_command", String.join(" ", ffmpeg.command()));
        if (ffmpeg.error() != null) r.put("ffmpeg_error", ffmpeg.error());
        r.put("end_to_end_over_model_only", ratio(endToEnd.framesPerSecond(), modelOnly.fps()));
        r.put("identity_over_ffmpeg", ratio(identity.framesPerSecond(), ffmpeg.fps()));
        r.put("peak_rss_bytes", peakRss);
        r.put("rss_growth_after_warmup_bytes", rssGrowth);
        if (worker != null) {
            r.put("worker_records_per_second", worker.recordsPerSecond());
            r.put("worker_records", worker.records());
            r.put("worker_seconds", worker.seconds());
            r.put("worker_commits", worker.commits());
            r.put("worker_over_end_to_end", ratio(worker.recordsPerSecond(), endToEnd.framesPerSecond()));
        }
        return r;
    }

    public void printText(PrintWriter out) {
        out.printf("derain bench: %s, %dx%d, %d frames, %s, %d cores of %s, %s%n", input, info.width(), info.height(),
                modelOnly.frames(), operator, Runtime.getRuntime().availableProcessors(), CpuFeatures.host().describe(),
                ProcessMemory.allocator());
        out.printf("  model only   %8.2f fps  (%.2f s, after a warm-up batch of %d)%n", modelOnly.fps(),
                modelOnly.seconds(), modelOnly.warmupFrames());
        out.printf("  end to end   %8.2f fps  (%.2f s; %s of model only)%n", endToEnd.framesPerSecond(),
                endToEnd.seconds(), percent(ratio(endToEnd.framesPerSecond(), modelOnly.fps())));
        printStages(out, endToEnd);
        out.printf("  identity     %8.2f fps  (%.2f s; decode + encode, no model)%n", identity.framesPerSecond(),
                identity.seconds());
        printStages(out, identity);
        if (ffmpeg.error() == null) {
            out.printf("  ffmpeg       %8.2f fps  (%.2f s; identity runs at %s of ffmpeg's rate)%n", ffmpeg.fps(),
                    ffmpeg.seconds(), percent(ratio(identity.framesPerSecond(), ffmpeg.fps())));
        } else {
            out.printf("  ffmpeg       failed: %s%n", ffmpeg.error());
        }
        out.printf("    %s%n", String.join(" ", ffmpeg.command()));
        out.printf("  memory: peak RSS %.0f MiB, RSS growth after warm-up %+.1f MiB%n", peakRss / 1048576.0,
                rssGrowth / 1048576.0);
        if (worker != null) {
            out.printf("  worker       %8.2f records/s  (%d records in %.2f s, %d transactions, batch %d; %s of end to end;"
                            + " group join %.1f s not counted)%n", worker.recordsPerSecond(), worker.records(),
                    worker.seconds(), worker.commits(), worker.batch(),
                    percent(ratio(worker.recordsPerSecond(), endToEnd.framesPerSecond())), worker.joinSeconds());
        }
        out.flush();
    }

    private static List<Map<String, Object>> stages(JobReport report) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (StageStats s : report.stages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", s.name());
            m.put("count", s.count());
            m.put("busy_seconds", s.busySeconds());
            m.put("utilisation", s.utilisation());
            if (s.inputQueue() != null) {
                m.put("queue", s.inputQueue().name());
                m.put("queue_capacity", s.inputQueue().capacity());
                m.put("queue_mean_depth", s.inputQueue().meanDepth());
                m.put("queue_max_depth", s.inputQueue().maxDepth());
            }
            list.add(m);
        }
        return list;
    }

    private static void printStages(PrintWriter out, JobReport report) {
        for (StageStats s : report.stages()) {
            out.printf("    %-7s busy %6.2f s (%3.0f%%)", s.name(), s.busySeconds(), 100 * s.utilisation());
            if (s.inputQueue() != null) {
                out.printf(", %s queue mean %.1f max %d of %d", s.inputQueue().name(), s.inputQueue().meanDepth(),
                        s.inputQueue().maxDepth(), s.inputQueue().capacity());
            }
            out.println();
        }
    }

    private static Double ratio(double a, double b) {
        return b > 0 ? a / b : null;
    }

    private static String percent(Double ratio) {
        return ratio == null ? "n/a" : String.format("%.0f%%", 100 * ratio);
    }
}
