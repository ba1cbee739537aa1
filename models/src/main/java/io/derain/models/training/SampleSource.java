package io.derain.models.training;

/** Produces training batches; {@code step} makes the draw reproducible and resumable. */
public interface SampleSource extends AutoCloseable {

    /**
     * The batch for training step {@code step}: the same step always gives the same batch. Call it outside
     * any PointerScope; the caller owns the returned tensors (attach them to its scope).
     */
    TrainingBatch batch(long step, int size, int crop);

    @Override
    void close();
}
