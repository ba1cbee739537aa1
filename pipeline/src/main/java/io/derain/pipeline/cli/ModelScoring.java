package io.derain.pipeline.cli;

import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.evaluation.EvaluationSink;
import io.derain.pipeline.evaluation.ImageScore;
import io.derain.pipeline.evaluation.PairScorer;
import io.derain.pipeline.evaluation.PairsDirectory;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.source.ImageSource;
import java.io.IOException;
import java.util.List;

/** Derains the rainy images of a pairs directory with a model and scores each against its pair. */
final class ModelScoring {
    private ModelScoring() {}

    /** @param command prefixes the progress lines on stderr ({@code derain eval}) */
    static List<ImageScore> run(DerainOperator operator, PairsDirectory pairs, PairScorer scorer, boolean quiet,
                                String command) throws IOException {
        try (ImageSource source = ImageSource.open(pairs.rainyDirectory());
             EvaluationSink sink = new EvaluationSink(scorer);
             ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null)) {
            if (!quiet) System.err.println(command + ": " + operator.describe());
            new StagedPipeline(source, operator, sink).run(quiet ? ProgressListener.NONE : progress);
            return sink.scores();
        }
    }
}
