package io.derain.models.generator;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A 2-D convolution with PyTorch's parameter names and layouts ({@code weight}, {@code bias}; transposed
 * convolutions store their weight in × out × k × k) and PyTorch's default initialisation.
 */
public final class Conv extends Module {
    private final Tensor weight;
    private final TensorOptional bias;
    private final long[] stride;
    private final long[] padding;
    private final long[] dilation;
    private final boolean transposed;

    private Conv(int in, int out, int kernel, int stride, int padding, int dilation, boolean transposed) {
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding};
        this.dilation = new long[] {dilation, dilation};
        this.transposed = transposed;
        // PyTorch's default init (kaiming_uniform with a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        // For transposed convs PyTorch computes fan_in from weight dim 1 (out channels) as well.
        int fanIn = (transposed ? out : in) * kernel * kernel;
        double bound = 1.0 / Math.sqrt(fanIn);
        Tensor w = uniform(bound, transposed ? new long[] {in, out, kernel, kernel} : new long[] {out, in, kernel, kernel});
        Tensor b = uniform(bound, out);
        // Keep our own handles: register_parameter returns a reference into the module's parameter table,
        // which dangles once the table grows. The handles share the registered tensors' storage.
        register_parameter("weight", w);
        register_parameter("bias", b);
        this.weight = w;
        this.bias = new TensorOptional(b);
    }

    private static Tensor uniform(double bound, long... shape) {
        return torch.rand(shape).sub_(new Scalar(0.5)).mul_(new Scalar(2 * bound));
    }

    public static Conv of(int in, int out, int kernel, int padding) {
        return new Conv(in, out, kernel, 1, padding, 1, false);
    }

    public static Conv strided(int in, int out, int kernel, int stride, int padding) {
        return new Conv(in, out, kernel, stride, padding, 1, false);
    }

    public static Conv dilated(int in, int out, int kernel, int dilation) {
        return new Conv(in, out, kernel, 1, dilation, dilation, false);
    }

    public static Conv transposed(int in, int out, int kernel, int stride, int padding) {
        return new Conv(in, out, kernel, stride, padding, 1, true);
    }

    Tensor weight() { return weight; }

    TensorOptional bias() { return bias; }

    /** Convolves with this layer's geometry but other parameters (used to run layers side by side as one). */
    Tensor forward(Tensor x, Tensor weight, TensorOptional bias) {
        return torch.conv2d(x, weight, bias, stride, padding, dilation, 1);
    }

    public Tensor forward(Tensor x) {
        return transposed
                ? torch.conv_transpose2d(x, weight, bias, stride, padding, new long[] {0, 0}, 1, dilation)
                : torch.conv2d(x, weight, bias, stride, padding, dilation, 1);
    }
}
