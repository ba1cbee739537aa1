package io.derain.pipeline.runtime;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished job did.
 *
 * @param frames       video frames written
 * @param audioBlocks  audio sample blocks passed through
 * @param seconds      wall time from the first read to the commit
 * @param stopped      true if {@link StagedPipeline#stop()} ended it before the end of the source: the
 *                     output was committed with the frames written so far
 * @param stages       busy time and input queue of each stage, in pipeline order (empty if not measured)
 * @param dropped      frames read but not written, by reason (every reason present, zero when none)
 * @param latencyP99   99th percentile of read → written, seconds (0 without frames)
 */
public record JobReport(long frames, long audioBlocks, double seconds, boolean stopped, List<StageStats> stages,
                        Map<DropReason, Long> dropped, double latencyP99) {
    public JobReport {
        stages = List.copyOf(stages);
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) all.put(r, dropped.getOrDefault(r, 0L));
        dropped = java.util.Collections.unmodifiableMap(all);
    }

    /** A report without drops or latency figures (jobs that do not run a pipeline, tests). */
    public JobReport(long frames, long audioBlocks, double seconds, boolean stopped, List<StageStats> stages) {
        this(frames, audioBlocks, seconds, stopped, stages, Map.of(), 0);
    }

    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "latency 120, rate 0, stop 2, reject 0" */
    public String describeDrops() {
        StringBuilder s = new StringBuilder();
        for (var e : dropped.entrySet()) {
            if (s.length() > 0) s.append(", ");
            s.append(e.getKey().label()).append(' ').append(e.getValue());
        }
        return s.toString();
    }
}
