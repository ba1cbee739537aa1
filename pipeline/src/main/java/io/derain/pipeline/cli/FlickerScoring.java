package io.derain.pipeline.cli;

import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.temporal.TemporalOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.evaluation.FlickerMeter;
import io.derain.pipeline.runtime.PipelineSettings;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.runtime.FrameLimit;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Derains a video per frame and in the temporal mode, in one run, and measures each output's flicker. */
final class FlickerScoring {
    private FlickerScoring() {}

    /** Per-frame and temporal flicker of the first {@code frames} frames of {@code video} (0: all). */
    static String run(DerainOperator operator, Path video, long frames, PrintWriter out) throws IOException {
        double input, perFrame, temporal, inputShare, perFrameShare, temporalShare;
        long pairs;
        try (FlickerMeter meter = new FlickerMeter(operator.dropThreshold()); IdentityOperator none = new IdentityOperator(1)) {
            measure(video, frames, none, meter);
            input = meter.meanFlicker();
            inputShare = meter.visibleShare();
        }
        try (FlickerMeter meter = new FlickerMeter(operator.dropThreshold())) {
            measure(video, frames, operator, meter);
            perFrame = meter.meanFlicker();
            perFrameShare = meter.visibleShare();
            pairs = meter.pairs();
        }
        try (FlickerMeter meter = new FlickerMeter(operator.dropThreshold());
             TemporalOperator steps = new TemporalOperator(operator, TemporalSettings.defaults(), operator.dropThreshold(), false)) {
            measure(video, frames, steps, meter);
            temporal = meter.meanFlicker();
            temporalShare = meter.visibleShare();
        }
        double change = 100 * (temporal - perFrame) / perFrame;
        out.printf(Locale.ROOT, "derain eval: flicker of %s over %d frame pairs (mean |Y(t) - warped Y(t-1)| over pixels"
                + " clear in both, levels of 255)%n", video, pairs);
        out.printf(Locale.ROOT, "%-10s  %8s  %8s%n", "output", "flicker", "measured");
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%%n", "input", input, 100 * inputShare);
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%%n", "per frame", perFrame, 100 * perFrameShare);
        out.printf(Locale.ROOT, "%-10s  %8.3f  %7.1f%%  (%+.1f %%)%n", "temporal", temporal, 100 * temporalShare, change);
        out.flush();
        return String.format(Locale.ROOT, "{\"video\": %s, \"pairs\": %d, \"input\": %.4f, \"perFrame\": %.4f, \"temporal\": %.4f, \"changePercent\": %.2f}%n",
                io.derain.pipeline.evaluation.EvaluationReport.string(video.toString()), pairs, input, perFrame, temporal, change);
    }

    private static void measure(Path video, long frames, FrameOperator operator, FlickerMeter meter) throws IOException {
        try (FrameSource opened = Sources.open(video, false);
             FrameSource source = frames > 0 ? new FrameLimit(opened, frames) : null) {
            FrameSource in = source != null ? source : opened;
            new StagedPipeline(in, operator, meter, PipelineSettings.forBatch(operator.maxBatch())).run(ProgressListener.NONE);
        }
    }
}
