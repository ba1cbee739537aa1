package io.derain.models.weights;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Reads tensors back into Java arrays for comparisons in tests. */
final class TensorValues {
    private TensorValues() {}

    static float[] floats(Tensor tensor) {
        if (tensor.numel() == 0) return new float[0];
        try (Tensor cpu = tensor.to(ScalarType.Float); Tensor dense = cpu.contiguous();
             FloatPointer data = new FloatPointer(dense.data_ptr())) {
            float[] values = new float[(int) dense.numel()];
            data.capacity(values.length).get(values);
            return values;
        }
    }

    static long[] shape(Tensor tensor) {
        return tensor.sizes().vec().get();
    }
}
