package io.derain.models.generator;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The recurrent step's feature extractor ({@code det_conv0} and the residual blocks: most of a wide network's
 * recurrent time) on libtorch's int8 kernels (FBGEMM / oneDNN, VNNI). Weights are quantized per output channel,
 * activations per tensor with the ranges an fp32 calibration pass observed ({@link #observe}); the result
 * leaves as the step's own type, so the LSTM, the attention map and the autoencoder are untouched.
 *
 * <p>Owns fp32 copies of the weights and their packed forms: the generator may be cast afterwards. Used by one
 * forward pass at a time.
 */
final class Int8Features implements AutoCloseable {
    private static final long[] UNIT = {1, 1};

    private final QuantizedKernels kernels = new QuantizedKernels();
    private final Layer first;
    private final Layer[][] blocks;
    /** Observed [min, max] per point while calibrating; then the quantization of each point. */
    private final Map<String, double[]> observed = new HashMap<>();
    private final Map<String, Quantization> ranges = new HashMap<>();
    private final String[][] blockPoints;

    /** One convolution: fp32 weights for calibration, packed int8 ones for inference. */
    private final class Layer implements AutoCloseable {
        final Tensor weight;
        final Tensor bias;
        final TensorOptional biasOptional;
        final IValue packed;

        Layer(Conv conv) {
            this.weight = ownCopy(conv.weight());
            this.bias = ownCopy(conv.bias().get());
            this.biasOptional = new TensorOptional(bias);
            this.packed = kernels.pack(weight, bias, 1, 1);
        }

        @Override
        public void close() {
            Activations.free(weight, bias);
            biasOptional.close();
            packed.close();
        }
    }

    Int8Features(Conv detConv0, Conv[][] residual) {
        first = new Layer(detConv0);
        blocks = new Layer[residual.length][];
        blockPoints = new String[residual.length][];
        for (int k = 0; k < residual.length; k++) {
            blocks[k] = new Layer[] {new Layer(residual[k][0]), new Layer(residual[k][1])};
            blockPoints[k] = new String[] {"block" + k + ".0", "block" + k + ".1", "block" + k + ".sum"};
        }
    }

    /**
     * An fp32 tensor of its own. Not {@code to(Float)}: on an fp32 parameter that returns the parameter itself,
     * which casting the generator later changes in place (the packed kernels would read bf16 as fp32).
     */
    private static Tensor ownCopy(Tensor parameter) {
        Tensor f = parameter.to(torch.ScalarType.Float);
        Tensor copy = f.clone();
        f.close();
        return copy;
    }

    /** The features of {@code input} in fp32, recording every point's range (a calibration pass). */
    Tensor observe(Tensor input) {
        Tensor in = input.to(torch.ScalarType.Float);
        record("input", in);
        Tensor x = record("conv0", convRelu(first, in));
        in.close();
        for (int k = 0; k < blocks.length; k++) {
            Tensor y = record(blockPoints[k][0], convRelu(blocks[k][0], x));
            Tensor z = record(blockPoints[k][1], convRelu(blocks[k][1], y));
            y.close();
            z.add_(x).relu_();
            record(blockPoints[k][2], z);
            x.close();
            x = z;
        }
        Tensor typed = x.to(input.scalar_type().intern());
        x.close();
        return typed;
    }

    /** Fixes each point's quantization from the ranges observed so far; false if nothing was observed. */
    boolean freeze() {
        ranges.clear();
        observed.forEach((point, r) -> ranges.put(point, Quantization.covering(r[0], r[1])));
        return !ranges.isEmpty();
    }

    /** The features of {@code input} (N×4×H×W, any float type) through the int8 kernels, in the input's type, NCHW. */
    Tensor apply(Tensor input) {
        Quantization in = ranges.get("input");
        Tensor f = input.to(torch.ScalarType.Float);
        Tensor q = torch.quantize_per_tensor(f, in.scale(), in.zeroPoint(), torch.ScalarType.QUInt8);
        f.close();
        Tensor x = q.contiguous(torch.MemoryFormat.ChannelsLast); // the kernels' native layout
        q.close();
        Tensor y0 = kernels.conv(x, first.packed, ranges.get("conv0"), true);
        x.close();
        x = y0;
        for (int k = 0; k < blocks.length; k++) {
            Tensor y = kernels.conv(x, blocks[k][0].packed, ranges.get(blockPoints[k][0]), true);
            Tensor z = kernels.conv(y, blocks[k][1].packed, ranges.get(blockPoints[k][1]), true);
            y.close();
            Tensor sum = kernels.addRelu(z, x, ranges.get(blockPoints[k][2]));
            Activations.free(z, x);
            x = sum;
        }
        return leave(x, input.scalar_type().intern());
    }

    /**
     * Back to floating point, NCHW, in {@code type}. From the 8-bit integers rather than through dequantize(),
     * whose channels-last path ran 4 to 8 times slower here.
     */
    private static Tensor leave(Tensor q, torch.ScalarType type) {
        double scale = q.q_scale();
        long zero = q.q_zero_point();
        Tensor ints = q.int_repr();
        q.close();
        Tensor nchw = ints.contiguous(); // uint8: a quarter of the bytes to transpose
        ints.close();
        Tensor f = nchw.to(type);
        nchw.close();
        try (org.bytedeco.pytorch.Scalar z = new org.bytedeco.pytorch.Scalar(zero);
             org.bytedeco.pytorch.Scalar s = new org.bytedeco.pytorch.Scalar(scale)) {
            if (zero != 0) f.sub_(z);
            f.mul_(s);
        }
        return f;
    }

    private static Tensor convRelu(Layer layer, Tensor x) {
        Tensor y = torch.conv2d(x, layer.weight, layer.biasOptional, UNIT, UNIT, UNIT, 1);
        y.relu_();
        return y;
    }

    private Tensor record(String point, Tensor x) {
        double lo = x.min().item_double(), hi = x.max().item_double();
        observed.merge(point, new double[] {lo, hi}, (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        return x;
    }

    @Override
    public void close() {
        first.close();
        for (Layer[] b : blocks) for (Layer l : b) l.close();
    }
}
