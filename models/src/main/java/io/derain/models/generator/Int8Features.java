package io.derain.models.generator;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The recurrent step's feature extractor ({@code det_conv0} and the residual blocks: most of a wide network's
 * recurrent time) on libtorch's int8 kernels (FBGEMM / oneDNN, VNNI). Weights are quantized per output channel,
 * activations per tensor with the ranges an fp32 calibration pass observed ({@link #observe}); the result
 * leaves as the step's own type, so the LSTM, the attention map and the autoencoder are untouched.
 *
 * <p>Owns the packed weights (and the bias copies they refer to): the generator may be cast afterwards. Used by
 * one forward pass at a time.
 */
final class Int8Features implements AutoCloseable {
    private final QuantizedKernels kernels = new QuantizedKernels();
    private final Layer first;
    private final Layer[][] blocks;
    /** Observed [min, max] per point while calibrating. */
    private final Map<String, double[]> observed = new HashMap<>();
    private final String[][] blockPoints;
    /** Each point's quantization once calibrated ({@link #freeze}): the input, det_conv0, and per block a, b, sum. */
    private QuantizedPoint input, conv0;
    private QuantizedPoint[][] blockOut;

    /** One convolution: the generator's (fp32 while calibrating) and its packed int8 form for inference. */
    private final class Layer implements AutoCloseable {
        final Conv conv;
        /** The packed kernels keep a reference to their bias: a copy of its own, untouched by a later cast. */
        final Tensor bias;
        final IValue packed;

        Layer(Conv conv) {
            this.conv = conv;
            this.bias = ownCopy(conv.bias().get());
            Tensor weight = ownCopy(conv.weight());
            try {
                this.packed = kernels.pack(weight, bias);
            } finally {
                weight.close(); // packed as int8 copies
            }
        }

        @Override
        public void close() {
            bias.close();
            packed.close();
        }
    }

    Int8Features(Conv detConv0, Conv[][] residual) {
        blocks = new Layer[residual.length][2];
        blockPoints = new String[residual.length][];
        Layer head = null;
        try {
            head = new Layer(detConv0);
            for (int k = 0; k < residual.length; k++) {
                blocks[k][0] = new Layer(residual[k][0]);
                blocks[k][1] = new Layer(residual[k][1]);
                blockPoints[k] = new String[] {"block" + k + ".0", "block" + k + ".1", "block" + k + ".sum"};
            }
        } catch (RuntimeException | Error e) { // the layers packed so far are ours to free
            if (head != null) head.close();
            for (Layer[] b : blocks) for (Layer l : b) if (l != null) l.close();
            throw e;
        }
        first = head;
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

    /**
     * The features of {@code frameInput} in fp32 through the generator's own layers (its weights still fp32),
     * recording every point's range: a calibration pass.
     */
    Tensor observe(Tensor frameInput) {
        Tensor in = frameInput.to(torch.ScalarType.Float);
        record("input", in);
        Tensor x = record("conv0", Activations.convRelu(first.conv, in));
        in.close();
        for (int k = 0; k < blocks.length; k++) {
            Tensor y = record(blockPoints[k][0], Activations.convRelu(blocks[k][0].conv, x));
            Tensor z = record(blockPoints[k][1], Activations.convRelu(blocks[k][1].conv, y));
            y.close();
            z.add_(x).relu_();
            record(blockPoints[k][2], z);
            x.close();
            x = z;
        }
        Tensor typed = x.to(frameInput.scalar_type().intern());
        x.close();
        return typed;
    }

    /** Fixes each point's quantization from the ranges observed so far; false if nothing was observed. */
    boolean freeze() {
        if (observed.isEmpty()) return false;
        closePoints();
        input = point("input");
        conv0 = point("conv0");
        blockOut = new QuantizedPoint[blocks.length][];
        for (int k = 0; k < blocks.length; k++) {
            blockOut[k] = new QuantizedPoint[] {point(blockPoints[k][0]), point(blockPoints[k][1]), point(blockPoints[k][2])};
        }
        return true;
    }

    private QuantizedPoint point(String name) {
        double[] range = observed.get(name);
        return new QuantizedPoint(Quantization.covering(range[0], range[1]));
    }

    /** The features of {@code input} (N×4×H×W, any float type) through the int8 kernels, in the input's type, NCHW. */
    Tensor apply(Tensor frameInput) {
        if (input == null) throw new IllegalStateException("int8 features used before calibration");
        Tensor f = frameInput.to(torch.ScalarType.Float);
        Quantization in = input.quantization;
        Tensor q = torch.quantize_per_tensor(f, in.scale(), in.zeroPoint(), torch.ScalarType.QUInt8);
        f.close();
        Tensor x = q.contiguous(torch.MemoryFormat.ChannelsLast); // the kernels' native layout
        q.close();
        Tensor y0 = kernels.conv(x, first.packed, conv0, true);
        x.close();
        x = y0;
        QuantizedPoint last = conv0;
        for (int k = 0; k < blocks.length; k++) {
            Tensor y = kernels.conv(x, blocks[k][0].packed, blockOut[k][0], true);
            Tensor z = kernels.conv(y, blocks[k][1].packed, blockOut[k][1], true);
            y.close();
            Tensor sum = kernels.addRelu(z, x, blockOut[k][2]);
            Activations.free(z, x);
            x = sum;
            last = blockOut[k][2];
        }
        return leave(x, last, frameInput.scalar_type().intern());
    }

    /**
     * Back to floating point, NCHW, in {@code type}. From the 8-bit integers rather than through dequantize(),
     * whose channels-last path ran 4 to 8 times slower here.
     */
    private static Tensor leave(Tensor q, QuantizedPoint point, torch.ScalarType type) {
        Tensor ints = q.int_repr();
        q.close();
        Tensor nchw = ints.contiguous(); // uint8: a quarter of the bytes to transpose
        ints.close();
        Tensor f = nchw.to(type);
        nchw.close();
        if (point.quantization.zeroPoint() != 0) f.sub_(point.zeroScalar);
        f.mul_(point.scaleScalar);
        return f;
    }

    private Tensor record(String point, Tensor x) {
        double lo = x.min().item_double(), hi = x.max().item_double();
        observed.merge(point, new double[] {lo, hi}, (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        return x;
    }

    private void closePoints() {
        if (input != null) input.close();
        if (conv0 != null) conv0.close();
        if (blockOut != null) for (QuantizedPoint[] b : blockOut) for (QuantizedPoint p : b) p.close();
        input = conv0 = null;
        blockOut = null;
    }

    @Override
    public void close() {
        closePoints();
        first.close();
        for (Layer[] b : blocks) for (Layer l : b) l.close();
    }
}
