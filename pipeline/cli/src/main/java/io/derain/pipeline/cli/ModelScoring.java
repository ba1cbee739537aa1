package io.derain.pipeline.cli;

import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.evaluation.EvaluationSink;
import io.derain.pipeline.evaluation.ImageScore;
import io.derain.pipeline.evaluation.PairScorer;
import io.derain.pipeline.evaluation.PairsDirectory;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.sink.FrameSink;
import io.derain.operators.temporal.TemporalOperator;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.source.FrameSequence;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.ImageSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Derains a directory of images with a model and hands each result to a scoring sink. */
final class ModelScoring {
    private ModelScoring() {}

    /** Scores the rainy images of a pairs directory against their pairs. */
    static List<ImageScore> run(DerainOperator operator, PairsDirectory pairs, PairScorer scorer, boolean quiet,
                                String command) throws IOException {
        try (EvaluationSink sink = new EvaluationSink(scorer)) {
            run(operator, pairs.rainyDirectory(), sink, quiet, command);
            return sink.scores();
        }
    }

    /**
     * Scores the rainy images of a pairs directory taken as the consecutive frames of a video (name order, at
     * {@code fps}) in the temporal mode over {@code operator} (not closed here).
     */
    static List<ImageScore> runTemporal(DerainOperator operator, PairsDirectory pairs, PairScorer scorer, double fps,
                                        TemporalSettings temporal, boolean quiet, String command) throws IOException {
        try (EvaluationSink sink = new EvaluationSink(scorer);
             FrameSource frames = new FrameSequence(ImageSource.open(pairs.rainyDirectory()), fps, true);
             TemporalOperator steps = TemporalOperator.over(operator, temporal);
             ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null)) {
            if (!quiet) System.err.println(command + ": " + operator.describe() + ", temporal mode");
            new StagedPipeline(frames, steps, sink).run(quiet ? ProgressListener.NONE : progress);
            return sink.scores();
        }
    }

    /**
     * Derains every image of {@code images} into {@code sink} (not closed here).
     *
     * @param command prefixes the progress lines on stderr ({@code derain eval})
     */
    static void run(DerainOperator operator, Path images, FrameSink sink, boolean quiet, String command)
            throws IOException {
        try (ImageSource source = ImageSource.open(images);
             ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null)) {
            if (!quiet) System.err.println(command + ": " + operator.describe());
            new StagedPipeline(source, operator, sink).run(quiet ? ProgressListener.NONE : progress);
        }
    }
}
