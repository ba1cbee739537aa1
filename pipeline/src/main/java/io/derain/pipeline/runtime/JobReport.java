package io.derain.pipeline.runtime;

import java.util.List;

/**
 * What a finished job did.
 *
 * @param frames       video frames written
 * @param audioBlocks  audio sample blocks passed through
 * @param seconds      wall time from the first read to the commit
 * @param stopped      true if {@link StagedPipeline#stop()} ended it before the end of the source: the
 *                     output was committed with the frames written so far
 * @param stages       busy time and input queue of each stage, in pipeline order (empty if not measured)
 */
public record JobReport(long frames, long audioBlocks, double seconds, boolean stopped, List<StageStats> stages) {
    public JobReport {
        stages = List.copyOf(stages);
    }

    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
