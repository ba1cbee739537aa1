package io.derain.pipeline.benchmark;

import io.derain.pipeline.metrics.MemorySoak;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.runtime.JobReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory soak's figures: one long clip streamed end to end, resident memory sampled as frames were written
 * after a warm-up, and how much it grew. Text or one JSON object.
 */
public record SoakReport(String input, String operator, JobReport run, MemorySoak memory, long warmupFrames) {

    public Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", input);
        r.put("operator", operator);
        r.put("frames", run.frames());
        r.put("fps", run.framesPerSecond());
        r.put("warmup_frames", warmupFrames);
        List<Map<String, Object>> samples = new ArrayList<>();
        for (MemorySoak.Sample s : memory.samples()) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("frames", s.frames());
            sample.put("rss_bytes", s.rssBytes());
            samples.add(sample);
        }
        r.put("rss_samples", samples);
        r.put("rss_growth_bytes", memory.growthBytes());
        r.put("rss_max_growth_bytes", memory.maxGrowthBytes());
        r.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
        return r;
    }

    public void printText(PrintWriter out) {
        out.printf("derain bench --soak: %s repeated to one long clip, %d frames end to end at %.2f fps, %s%n", input,
                run.frames(), run.framesPerSecond(), operator);
        for (MemorySoak.Sample s : memory.samples()) {
            out.printf("  after %6d frames  RSS %7.1f MiB%n", s.frames(), s.rssBytes() / 1048576.0);
        }
        out.printf("  RSS growth after warm-up: %+.1f MiB at the end, %+.1f MiB at most; peak RSS %.0f MiB%n",
                memory.growthBytes() / 1048576.0, memory.maxGrowthBytes() / 1048576.0,
                ProcessMemory.peakRssBytes() / 1048576.0);
        out.flush();
    }
}
