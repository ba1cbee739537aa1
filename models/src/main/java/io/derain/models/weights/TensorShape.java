package io.derain.models.weights;

import org.bytedeco.pytorch.LongArrayRef;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;

/** A tensor's sizes as a Java array, without leaking the native array objects libtorch hands out. */
final class TensorShape {
    private TensorShape() {}

    static long[] of(Tensor tensor) {
        try (LongArrayRef sizes = tensor.sizes(); LongVector vector = sizes.vec()) {
            return vector.get();
        }
    }
}
