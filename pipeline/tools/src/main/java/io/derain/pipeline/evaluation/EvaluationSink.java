package io.derain.pipeline.evaluation;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.FrameSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of an evaluation pipeline: scores each derained frame (named by its rainy file) against its
 * pair instead of writing it anywhere. Nothing to commit or discard.
 */
public final class EvaluationSink implements FrameSink {
    private final PairScorer scorer;
    private final List<ImageScore> scores = new ArrayList<>();

    public EvaluationSink(PairScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void write(VideoFrame frame) {
        scores.add(scorer.score(frame.label(), frame.pixels(), frame.width(), frame.height(), frame.stride(),
                frame.attention()));
    }

    /** Scores in the order the frames arrived. */
    public List<ImageScore> scores() { return List.copyOf(scores); }

    @Override
    public void commit() {}

    @Override
    public void close() {}
}
