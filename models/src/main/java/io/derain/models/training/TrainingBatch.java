package io.derain.models.training;

import org.bytedeco.pytorch.Tensor;

/**
 * Aligned training pairs: rainy and clean images N×3×H×W (BGR, [0, 1]) and the binary raindrop mask
 * N×1×H×W (1 where the synthesis altered the pixel), the attention target of the paper.
 */
public record TrainingBatch(Tensor rainy, Tensor clean, Tensor mask) {}
