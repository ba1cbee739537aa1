package io.derain.models.generator;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.IntType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's int8 convolution kernels ({@code quantized::conv2d*}, FBGEMM / oneDNN with VNNI), which the
 * Java presets do not wrap as functions: reached through the operator dispatcher by name. Stateless; the
 * handles are looked up once per instance.
 */
final class QuantizedKernels {
    private final OperatorHandle prepack;
    private final OperatorHandle conv;
    private final OperatorHandle convRelu;
    private final OperatorHandle addRelu;

    QuantizedKernels() {
        Dispatcher d = Dispatcher.singleton();
        prepack = d.findSchemaOrThrow("quantized::conv2d_prepack", "");
        conv = d.findSchemaOrThrow("quantized::conv2d", "new");
        convRelu = d.findSchemaOrThrow("quantized::conv2d_relu", "new");
        addRelu = d.findSchemaOrThrow("quantized::add_relu", "");
    }

    /**
     * A stride-1, same-size convolution's weights (per output channel int8) and fp32 bias, packed for the kernels;
     * the packed form refers to {@code bias}, which must outlive it.
     */
    IValue pack(Tensor weight, Tensor bias) {
        long padding = weight.size(2) / 2;
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            Tensor perChannelMax = weight.abs().amax(new long[] {1, 2, 3}, false).clamp_min(new org.bytedeco.pytorch.Scalar(1e-8));
            Tensor scales = perChannelMax.div(new org.bytedeco.pytorch.Scalar(127.0)).to(torch.ScalarType.Double);
            Tensor zeros = torch.zeros(weight.size(0)).to(torch.ScalarType.Long);
            Tensor q = torch.quantize_per_channel(weight.contiguous(), scales, zeros, 0, torch.ScalarType.QInt8);
            IValueVector stack = new IValueVector(new IValue(q), new IValue(bias), ints(1, 1), ints(padding, padding),
                    ints(1, 1), new IValue(1L));
            prepack.callBoxed(stack);
            IValue packed = new IValue(stack.get(0)); // a copy: get() points into the stack
            packed.retainReference(); // outlives the scope; everything else made here is freed with it
            return packed;
        }
    }

    /** The convolution of a quantized input, requantized to {@code out}; ReLU fused if asked. */
    Tensor conv(Tensor qx, IValue packed, QuantizedPoint out, boolean relu) {
        // The tensor's wrapper is closed at once: an IValue holding a tensor keeps its memory alive until collected.
        try (IValue x = new IValue(qx)) {
            return call(relu ? convRelu : conv, x, packed, out.scale, out.zeroPoint);
        }
    }

    /** relu(a + b) of two quantized tensors, requantized to {@code out}. */
    Tensor addRelu(Tensor qa, Tensor qb, QuantizedPoint out) {
        try (IValue a = new IValue(qa); IValue b = new IValue(qb)) {
            return call(addRelu, a, b, out.scale, out.zeroPoint);
        }
    }

    private static Tensor call(OperatorHandle op, IValue... arguments) {
        try (IValueVector stack = new IValueVector(arguments)) {
            op.callBoxed(stack);
            // A tensor of its own: get() and toTensor() refer into the stack, freed on return.
            return new Tensor(stack.get(0).toTensor());
        }
    }

    private static IValue ints(long a, long b) {
        GenericList list = new GenericList(new Type.TypePtr(IntType.getIntTypePtr().get()));
        list.push_back(new IValue(a));
        list.push_back(new IValue(b));
        return new IValue(list);
    }
}
