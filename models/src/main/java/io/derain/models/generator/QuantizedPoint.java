package io.derain.models.generator;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Scalar;

/**
 * A point of the int8 network (a layer's output) with its {@link Quantization} in the forms the kernels and
 * the float ops take, made once when calibration ends instead of per frame. Owns its native values.
 */
final class QuantizedPoint implements AutoCloseable {
    final Quantization quantization;
    final IValue scale;
    final IValue zeroPoint;
    /** For leaving the integers: value = (q − zero) · scale. */
    final Scalar scaleScalar;
    final Scalar zeroScalar;

    QuantizedPoint(Quantization quantization) {
        this.quantization = quantization;
        this.scale = new IValue(quantization.scale());
        this.zeroPoint = new IValue(quantization.zeroPoint());
        this.scaleScalar = new Scalar(quantization.scale());
        this.zeroScalar = new Scalar(quantization.zeroPoint());
    }

    @Override
    public void close() {
        scale.close();
        zeroPoint.close();
        scaleScalar.close();
        zeroScalar.close();
    }
}
