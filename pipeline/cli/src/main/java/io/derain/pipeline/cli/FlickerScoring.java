package io.derain.pipeline.cli;

import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.temporal.TemporalOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.evaluation.DropsLeftMeter;
import io.derain.pipeline.evaluation.FlickerMeter;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.runtime.FrameLimit;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import io.derain.pipeline.source.TappedSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Derains a video per frame and in the temporal mode, in one run, and measures each output's flicker and the drops it leaves. */
final class FlickerScoring {
    private FlickerScoring() {}

    /**
     * One output's flicker, the share of the frame it was measured over, the frame pairs, and the drops it leaves
     * ({@link DropsLeftMeter}: still structure removed, moving detail kept; frames where the scene moved).
     */
    private record Figure(double flicker, double share, long pairs, double stillRemoved, double movingKept, long movingFrames) {}

    /** Per-frame and temporal flicker of the first {@code frames} frames of {@code video} (0: all). */
    static String run(DerainOperator operator, Path video, long frames, TemporalSettings temporalSettings, PrintWriter out)
            throws IOException {
        Figure input, perFrame, temporal;
        try (IdentityOperator none = new IdentityOperator(1)) {
            input = measure(video, frames, none, operator.dropThreshold());
        }
        perFrame = measure(video, frames, operator, operator.dropThreshold());
        try (TemporalOperator steps = TemporalOperator.over(operator, temporalSettings)) {
            temporal = measure(video, frames, steps, operator.dropThreshold());
        }
        double change = 100 * (temporal.flicker() - perFrame.flicker()) / perFrame.flicker();
        out.printf(Locale.ROOT, "derain eval: flicker of %s over %d frame pairs (mean |Y(t) - warped Y(t-1)| over pixels"
                + " clear in both, levels of 255); drops left where the scene moved (%d frames): still structure removed,"
                + " moving detail kept%n", video, perFrame.pairs(), perFrame.movingFrames());
        out.printf(Locale.ROOT, "%-10s  %8s  %8s  %14s  %12s%n", "output", "flicker", "measured", "still removed", "moving kept");
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%  %13.1f%%  %11.1f%%%n", "input", input.flicker(), 100 * input.share(),
                100 * input.stillRemoved(), 100 * input.movingKept());
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%  %13.1f%%  %11.1f%%%n", "per frame", perFrame.flicker(), 100 * perFrame.share(),
                100 * perFrame.stillRemoved(), 100 * perFrame.movingKept());
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%  %13.1f%%  %11.1f%%  (flicker %+.1f %%)%n", "temporal", temporal.flicker(),
                100 * temporal.share(), 100 * temporal.stillRemoved(), 100 * temporal.movingKept(), change);
        out.flush();
        return String.format(Locale.ROOT, "{\"video\": %s, \"pairs\": %d, \"input\": %.4f, \"perFrame\": %.4f, \"temporal\": %.4f, \"changePercent\": %.2f,"
                + " \"stillRemovedPerFrame\": %.4f, \"movingKeptPerFrame\": %.4f, \"stillRemovedTemporal\": %.4f, \"movingKeptTemporal\": %.4f, \"movingFrames\": %d}%n",
                io.derain.pipeline.evaluation.EvaluationReport.string(video.toString()), perFrame.pairs(), input.flicker(),
                perFrame.flicker(), temporal.flicker(), change, perFrame.stillRemoved(), perFrame.movingKept(),
                temporal.stillRemoved(), temporal.movingKept(), perFrame.movingFrames());
    }

    private static Figure measure(Path video, long frames, FrameOperator operator, double dropThreshold) throws IOException {
        FlickerMeter meter = new FlickerMeter(dropThreshold);
        try (DropsLeftMeter drops = new DropsLeftMeter(meter); // owns the flicker meter
             FrameSource opened = Sources.open(video, false);
             FrameSource source = frames > 0 ? new FrameLimit(opened, frames) : null) {
            FrameSource in = new TappedSource(source != null ? source : opened, drops.inputTap(), false);
            new StagedPipeline(in, operator, drops, PipelineSettings.forBatch(operator.maxBatch())).run(ProgressListener.NONE);
            return new Figure(meter.meanFlicker(), meter.visibleShare(), meter.pairs(), drops.stillStructureRemoved(),
                    drops.movingDetailKept(), drops.framesWithMotion());
        }
    }
}
