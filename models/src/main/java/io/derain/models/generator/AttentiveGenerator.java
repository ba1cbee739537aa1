package io.derain.models.generator;

import io.derain.models.runtime.Natives;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The attentive generator of Qian et al., "Attentive Generative Adversarial Network for Raindrop Removal
 * from a Single Image" (CVPR 2018): an attentive-recurrent network (residual blocks and a convolutional
 * LSTM, repeated {@code steps} times) that refines a raindrop attention map, then a contextual autoencoder
 * with dilated convolutions and multi-scale outputs that removes the drops the map points at.
 *
 * <p>Parameter names and layouts match the released {@code gen.pkl}, so its state dict loads as is.
 * Input: N×3×H×W BGR in [0, 1], H and W multiples of 4. Freshly constructed weights are random (PyTorch's
 * default init): load trained weights before use, or train.
 */
public final class AttentiveGenerator extends Module {
    private static final TensorOptional NO_BIAS = Activations.constant(new TensorOptional());
    private static final long[] UNIT = {1, 1};
    private static final long[] CHANNELS = {1};
    private final GeneratorConfig config;
    /** Profile part names of the recurrent steps. */
    private final String[] stepParts;
    /**
     * The Sequential-like containers that give parameters their released names. Held here because
     * libtorch calls back into their Java peers (train(), eval()), which must not be garbage collected.
     */
    private final List<Module> containers = new ArrayList<>();

    // Attentive-recurrent network.
    private final Conv detConv0;
    private final Conv[][] residual;
    private final Conv convI, convF, convG, convO;
    private final Conv detConvMask;

    // Contextual autoencoder.
    private final Conv conv1, conv2, conv3, conv4, conv5, conv6;
    private final Conv[] diconv;
    private final Conv conv7, conv8, outframe1, deconv1, conv9, outframe2, deconv2, conv10, output;
    /**
     * The recurrent steps' features in int8 once {@link #quantizeFeatures} ran; null: in the weights' type. Changed
     * only between passes (quantizing or releasing during a forward pass on another thread is not supported).
     */
    private volatile Int8Features int8;
    /** The extractor being calibrated while {@link #quantizeFeatures} runs its fp32 passes; null otherwise. */
    private volatile Int8Features calibrating;

    public AttentiveGenerator(GeneratorConfig config) {
        Natives.ensureLoaded();
        this.config = config;
        this.stepParts = new String[config.steps()];
        for (int i = 0; i < stepParts.length; i++) stepParts[i] = "recurrent step " + (i + 1);
        int r = config.recurrentChannels();
        int w1 = config.width1(), w2 = config.width2(), w3 = config.width3();

        detConv0 = add("det_conv0", Conv.of(4, r, 3, 1));
        residual = new Conv[config.residualBlocks()][];
        for (int k = 0; k < residual.length; k++) {
            // Sequential(conv, ReLU, conv, ReLU): the convs sit at indices 0 and 2.
            Module block = container("det_conv" + (k + 1));
            residual[k] = new Conv[] {block.register_module("0", Conv.of(r, r, 3, 1)),
                                      block.register_module("2", Conv.of(r, r, 3, 1))};
        }
        convI = add("conv_i", Conv.of(2 * r, r, 3, 1));
        convF = add("conv_f", Conv.of(2 * r, r, 3, 1));
        convG = add("conv_g", Conv.of(2 * r, r, 3, 1));
        convO = add("conv_o", Conv.of(2 * r, r, 3, 1));
        detConvMask = add("det_conv_mask", Conv.of(r, 1, 3, 1));

        conv1 = add("conv1", Conv.of(4, w1, 5, 2));
        conv2 = add("conv2", Conv.strided(w1, w2, 3, 2, 1));
        conv3 = add("conv3", Conv.of(w2, w2, 3, 1));
        conv4 = add("conv4", Conv.strided(w2, w3, 3, 2, 1));
        conv5 = add("conv5", Conv.of(w3, w3, 3, 1));
        conv6 = add("conv6", Conv.of(w3, w3, 3, 1));
        diconv = new Conv[4];
        for (int k = 0; k < 4; k++) {
            diconv[k] = add("diconv" + (k + 1), Conv.dilated(w3, w3, 3, 2 << k));
        }
        conv7 = add("conv7", Conv.of(w3, w3, 3, 1));
        conv8 = add("conv8", Conv.of(w3, w3, 3, 1));
        outframe1 = add("outframe1", Conv.of(w3, 3, 3, 1));
        deconv1 = add("deconv1", Conv.transposed(w3, w2, 4, 2, 1));
        conv9 = add("conv9", Conv.of(w2, w2, 3, 1));
        outframe2 = add("outframe2", Conv.of(w2, 3, 3, 1));
        deconv2 = add("deconv2", Conv.transposed(w2, w1, 4, 2, 1));
        conv10 = add("conv10", Conv.of(w1, config.outputChannels(), 3, 1));
        output = add("output", Conv.of(config.outputChannels(), 3, 3, 1));
    }

    /** Registers {@code conv} as the first layer of a Sequential called {@code name}: {@code name.0.weight}. */
    /**
     * Zeroes the three output convolutions. With {@link GeneratorConfig#residual()} the network then starts as
     * the identity, keeping every other layer: how a residual network is fine-tuned from whole-image weights.
     */
    public void zeroOutputs() {
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Conv c : new Conv[] {outframe1, outframe2, output}) {
                c.weight().zero_();
                c.bias().get().zero_();
            }
        }
    }

    private Conv add(String name, Conv conv) {
        return container(name).register_module("0", conv);
    }

    private Module container(String name) {
        Module m = register_module(name, new Module());
        containers.add(m);
        return m;
    }

    /**
     * From now on runs the recurrent steps' feature extractor (det_conv0 and the residual blocks) on int8 kernels,
     * activations quantized with the ranges observed while running {@code calibrationFrames} (N×3×H×W BGR in
     * [0, 1], H and W multiples of 4) through the network in fp32. Call in inference mode with fp32 weights; the
     * generator may be cast afterwards (the int8 part keeps copies). Inference only: training must not call it.
     */
    public void quantizeFeatures(List<Tensor> calibrationFrames) {
        if (detConv0.weight().scalar_type().intern() != torch.ScalarType.Float) {
            throw new IllegalStateException("quantize the features while the weights are fp32, not " + detConv0.weight().scalar_type());
        }
        if (calibrationFrames.isEmpty()) throw new IllegalArgumentException("no calibration frames");
        if (org.bytedeco.javacpp.PointerScope.getInnerScope() != null) {
            // Its packed weights must outlive the caller's scope, whose close would free them.
            throw new IllegalStateException("quantize the features outside any PointerScope");
        }
        releaseQuantized();
        Int8Features q;
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            q = new Int8Features(detConv0, residual);
            try {
                calibrating = q;
                for (Tensor frame : calibrationFrames) { // the recurrent part only: the autoencoder has no int8 points
                    try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
                        attentiveRecurrent(frame.contiguous(), Activations.forCurrentMode(null));
                    }
                }
                if (!q.freeze()) throw new IllegalStateException("the calibration passes observed nothing");
            } catch (RuntimeException | Error e) {
                q.close();
                throw e;
            } finally {
                calibrating = null;
            }
        }
        int8 = q;
    }

    /** Whether the recurrent features run in int8. */
    public boolean featuresQuantized() {
        return int8 != null;
    }

    /** Frees the int8 feature extractor, if any: later passes run in the weights' type. */
    public void releaseQuantized() {
        Int8Features q = int8;
        int8 = null;
        if (q != null) q.close();
    }

    public GeneratorConfig config() {
        return config;
    }

    /**
     * Runs the whole network on a batch {@code image} (N×3×H×W, BGR in [0, 1], H and W multiples of 4). The
     * outputs belong to the caller's scope; every intermediate is freed before this returns ({@link Activations}).
     */
    public GeneratorOutput forward(Tensor image) {
        return forward(image, null);
    }

    /** As {@link #forward(Tensor)}, charging the time of each part to {@code profile} (null: none). */
    public GeneratorOutput forward(Tensor image, ForwardProfile profile) {
        long h = image.size(2), w = image.size(3);
        if (h % 4 != 0 || w % 4 != 0) {
            throw new IllegalArgumentException("input height and width must be multiples of 4, got " + h + "x" + w);
        }
        Activations act = Activations.forCurrentMode(profile);
        // The recurrent part's few channels run faster in NCHW, the autoencoder's many channels-last (oneDNN's
        // native layout: no reorder around each convolution); the caller's frame may come in either.
        Tensor nchw = image.contiguous();
        List<Tensor> maps = attentiveRecurrent(nchw, act);
        nchw.close();
        return autoencoder(image, maps, act);
    }

    /** The attention map of every recurrent step. */
    private List<Tensor> attentiveRecurrent(Tensor image, Activations act) {
        long n = image.size(0), h = image.size(2), w = image.size(3);
        int r = config.recurrentChannels();
        List<Tensor> maps = new ArrayList<>(config.steps());
        Tensor attention = torch.full(new long[] {n, 1, h, w}, new org.bytedeco.pytorch.Scalar(0.5), image.options());
        State state = null; // zero before the first step, which therefore skips it
        // The LSTM's four gates read the same input. The first step's input state is zero: its half of the
        // gates' input adds nothing and the forget gate multiplies zero, so that step convolves the features
        // alone, with their half of the input weights, forget gate's rows left out.
        Tensor firstWeights = Activations.cat0(convI.weight().narrow(1, 0, r), convG.weight().narrow(1, 0, r),
                convO.weight().narrow(1, 0, r));
        Gates first = new Gates(firstWeights, Activations.cat0(convI.bias().get(), convG.bias().get(), convO.bias().get()));
        // Later steps: two convolutions, [i, g] then [f, o], so that the first pair is reduced to i·g before the
        // second pair exists; the step's memory peak is then 6r channels at full resolution instead of 7r.
        Gates inputGates = new Gates(Activations.cat0(convI.weight(), convG.weight()),
                Activations.cat0(convI.bias().get(), convG.bias().get()));
        Gates keepGates = new Gates(Activations.cat0(convF.weight(), convO.weight()),
                Activations.cat0(convF.bias().get(), convO.bias().get()));
        Tensor maskWeights = detConvMask.weight().view(r, 1, 3, 3); // 1×r×3×3 as r depthwise filters
        for (int step = 0; step < config.steps(); step++) {
            Tensor input = Activations.cat(image, attention);
            if (step == 0) attention.close(); // the initial map; the later ones are outputs
            Tensor x = features(input, act);
            state = state == null ? firstState(x, first, act) : nextState(x, state, inputGates, keepGates, act);
            attention = mask(state.hidden(), maskWeights);
            maps.add(attention);
            act.mark(stepParts[step]);
        }
        Activations.free(state.hidden(), state.cell(), maskWeights);
        first.close();
        inputGates.close();
        keepGates.close();
        return maps;
    }

    /** det_conv0 and the residual blocks on a step's input (freed): in int8 once quantized. */
    private Tensor features(Tensor input, Activations act) {
        Int8Features observing = calibrating, quantized = int8;
        if (observing != null || quantized != null) {
            Tensor x = observing != null ? observing.observe(input) : quantized.apply(input);
            input.close();
            return x;
        }
        Tensor x = Activations.consumingConvRelu(detConv0, input);
        for (Conv[] block : residual) {
            Tensor y = Activations.convRelu(block[0], x);
            y = Activations.consumingConvRelu(block[1], y);
            y = act.consumingSum(y, x);
            y.relu_();
            x.close();
            x = y;
        }
        return x;
    }

    /** The LSTM's state after a step, full-resolution r-channel tensors the caller owns. */
    private record State(Tensor hidden, Tensor cell) {}

    /** Stacked weights and biases of some of the LSTM's gates, convolved at once. Owns both tensors. */
    private static final class Gates implements AutoCloseable {
        final Tensor weights;
        final Tensor bias;
        final TensorOptional biasOptional;

        Gates(Tensor weights, Tensor bias) {
            this.weights = weights;
            this.bias = bias;
            this.biasOptional = new TensorOptional(bias);
        }

        @Override
        public void close() {
            Activations.free(weights, bias);
            biasOptional.close();
        }
    }

    /** The first step's state from the features {@code x} (freed) and the gates [i, g, o]. */
    private State firstState(Tensor x, Gates igo, Activations act) {
        int r = config.recurrentChannels();
        Tensor gates = convI.forward(x, igo.weights, igo.biasOptional);
        x.close();
        Tensor i = act.consumingSigmoid(gates.narrow(1, 0, r));
        Tensor g = act.consumingTanh(gates.narrow(1, r, r));
        Tensor o = act.consumingSigmoid(gates.narrow(1, 2L * r, r));
        Tensor cell = i.mul(g); // a tensor of its own (not a view of the gates), so they can be freed
        Activations.free(i, g, gates);
        Tensor hidden = act.consumingProduct(act.tanh(cell), o);
        o.close();
        return new State(hidden, cell);
    }

    /** The next state from the features {@code x} and the previous state, all freed. */
    private State nextState(Tensor x, State previous, Gates ig, Gates fo, Activations act) {
        int r = config.recurrentChannels();
        Tensor z = Activations.cat(x, previous.hidden());
        Activations.free(x, previous.hidden());
        Tensor inputPair = convI.forward(z, ig.weights, ig.biasOptional);
        Tensor i = act.consumingSigmoid(inputPair.narrow(1, 0, r));
        Tensor g = act.consumingTanh(inputPair.narrow(1, r, r));
        Tensor written = i.mul(g); // a tensor of its own, so the pair can be freed
        Activations.free(i, g, inputPair);
        Tensor keepPair = convI.forward(z, fo.weights, fo.biasOptional);
        z.close();
        Tensor f = act.consumingSigmoid(keepPair.narrow(1, 0, r));
        Tensor o = act.consumingSigmoid(keepPair.narrow(1, r, r));
        Tensor cell = f.mul(previous.cell());
        cell.add_(written);
        Activations.free(f, written, previous.cell());
        Tensor hidden = act.consumingProduct(act.tanh(cell), o);
        Activations.free(o, keepPair);
        return new State(hidden, cell);
    }

    /**
     * The attention map from the hidden state: det_conv_mask's r→1 convolution, run as r depthwise 3×3
     * convolutions summed over the channels plus the bias. The same sums in another order; libtorch's kernels
     * for a single output channel take over twice as long (4.7 against 1.9 ms for r = 8 at 640×360).
     */
    private Tensor mask(Tensor hidden, Tensor depthwise) {
        Tensor perChannel = torch.conv2d(hidden, depthwise, NO_BIAS, UNIT, UNIT, UNIT, config.recurrentChannels());
        Tensor map = perChannel.sum(CHANNELS, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        perChannel.close();
        map.add_(detConvMask.bias().get());
        return map;
    }

    /** The contextual autoencoder on the image and the final map: the 1/4- and 1/2-scale frames and the image. */
    private GeneratorOutput autoencoder(Tensor image, List<Tensor> maps, Activations act) {
        Tensor input = Activations.cat(image, maps.get(maps.size() - 1));
        Tensor channelsLast = input.contiguous(torch.MemoryFormat.ChannelsLast);
        input.close();
        input = channelsLast;
        Tensor res1 = Activations.consumingConvRelu(conv1, input);
        act.mark("autoencoder 1/1");
        Tensor x = Activations.convRelu(conv2, res1);
        Tensor res2 = Activations.consumingConvRelu(conv3, x);
        act.mark("autoencoder 1/2");
        x = Activations.convRelu(conv4, res2);
        x = Activations.consumingConvRelu(conv5, x);
        x = Activations.consumingConvRelu(conv6, x);
        for (Conv d : diconv) {
            x = Activations.consumingConvRelu(d, x);
        }
        x = Activations.consumingConvRelu(conv7, x);
        x = Activations.consumingConvRelu(conv8, x);
        // A residual output is a signed correction: no ReLU on it.
        Tensor quarter = config.residual() ? addPooledInput(act, outframe1.forward(x), image, 4)
                : Activations.convRelu(outframe1, x);
        act.mark("autoencoder 1/4");
        x = act.consumingSum(consumingUpsample(deconv1, x), res2);
        res2.close();
        x = Activations.consumingConvRelu(conv9, x);
        Tensor half = config.residual() ? addPooledInput(act, outframe2.forward(x), image, 2)
                : Activations.convRelu(outframe2, x);
        act.mark("autoencoder 1/2");
        x = act.consumingSum(consumingUpsample(deconv2, x), res1);
        res1.close();
        x = Activations.consumingConvRelu(conv10, x);
        Tensor derained = output.forward(x);
        x.close();
        if (config.residual()) derained = act.consumingSum(derained, image);
        act.mark("autoencoder 1/1");
        return new GeneratorOutput(maps, quarter, half, derained);
    }

    /** {@code correction} (freed) plus the input average-pooled by {@code factor}: a residual output at that scale. */
    private static Tensor addPooledInput(Activations act, Tensor correction, Tensor image, int factor) {
        Tensor base = torch.avg_pool2d(image, new long[] {factor, factor}, new long[] {factor, factor},
                new long[] {0, 0}, false, true, new org.bytedeco.pytorch.LongOptional());
        Tensor sum = act.consumingSum(correction, base);
        base.close();
        return sum;
    }

    /**
     * Transposed conv, reflection pad (left 1, top 1), 2×2 average pool with stride 1, ReLU: as released.
     * Frees {@code x}.
     */
    private static Tensor consumingUpsample(Conv deconv, Tensor x) {
        Tensor y = deconv.forward(x);
        x.close();
        Tensor padded = torch.reflection_pad2d(y, 1, 0, 1, 0);
        y.close();
        Tensor pooled = torch.avg_pool2d(padded, new long[] {2, 2}, new long[] {1, 1}, new long[] {0, 0}, false, true,
                new org.bytedeco.pytorch.LongOptional());
        padded.close();
        pooled.relu_();
        return pooled;
    }
}
