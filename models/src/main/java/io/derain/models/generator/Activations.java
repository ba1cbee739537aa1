package io.derain.models.generator;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * How one forward pass treats its intermediate tensors: each is freed as soon as the layer after it has
 * consumed it (methods named "consuming" free their first argument), so that peak memory grows with a few
 * layers' activations instead of the whole network's. A caller's {@link org.bytedeco.javacpp.PointerScope}
 * alone would keep every intermediate alive until the batch ends.
 *
 * <p>Without autograd, sums and activations also overwrite their left operand. With autograd they must not:
 * ReLU, sigmoid and tanh keep their outputs for the backward pass (which also keeps the tensors alive after
 * their Java handles are closed, so freeing handles is safe in both modes).
 */
final class Activations {
    // Process-lifetime constants, shared by every pass on every thread.
    private static final Scalar TWO = constant(2.0);
    private static final Scalar ONE = constant(1.0);
    private final boolean inPlace;
    /** Null unless the pass is profiled. */
    private final ForwardProfile profile;

    private Activations(boolean inPlace, ForwardProfile profile) {
        this.inPlace = inPlace;
        this.profile = profile;
        if (profile != null) profile.start();
    }

    /**
     * For the calling thread's autograd state (off under an InferenceMode or NoGradGuard).
     *
     * @param profile where to charge each part's time, or null
     */
    static Activations forCurrentMode(ForwardProfile profile) {
        return new Activations(!GradMode.is_enabled(), profile);
    }

    private static Scalar constant(double value) {
        return constant(new Scalar(value));
    }

    /**
     * {@code p}, never freed: for process-lifetime constants, which may first be made inside a caller's
     * PointerScope (whose close would otherwise free them).
     */
    static <P extends org.bytedeco.javacpp.Pointer> P constant(P p) {
        p.retainReference();
        return p;
    }

    /** Ends a part of the pass (for the profile, if any). */
    void mark(String part) {
        if (profile != null) profile.mark(part);
    }

    /** conv(x) then ReLU; x is kept. ReLU can always run in place: convolutions do not keep their output. */
    static Tensor convRelu(Conv conv, Tensor x) {
        Tensor y = conv.forward(x);
        y.relu_();
        return y;
    }

    /** conv(x) then ReLU, freeing x. */
    static Tensor consumingConvRelu(Conv conv, Tensor x) {
        Tensor y = convRelu(conv, x);
        x.close();
        return y;
    }

    /** y + x, freeing y (x is kept). */
    Tensor consumingSum(Tensor y, Tensor x) {
        if (inPlace) {
            y.add_(x);
            return y;
        }
        Tensor s = y.add(x);
        y.close();
        return s;
    }

    /** y · x, freeing y (x is kept). */
    Tensor consumingProduct(Tensor y, Tensor x) {
        if (inPlace) {
            y.mul_(x);
            return y;
        }
        Tensor p = y.mul(x);
        y.close();
        return p;
    }

    /** sigmoid(x), freeing x (typically a view of a larger tensor). */
    Tensor consumingSigmoid(Tensor x) {
        if (inPlace) {
            x.sigmoid_();
            return x;
        }
        Tensor s = torch.sigmoid(x);
        x.close();
        return s;
    }

    /**
     * tanh(x), freeing x. Without autograd as 2·sigmoid(2x) − 1 (within 2e-7 of tanh): libtorch's CPU tanh
     * takes about twice as long as those four passes together.
     */
    Tensor consumingTanh(Tensor x) {
        if (inPlace) {
            x.mul_(TWO).sigmoid_().mul_(TWO).sub_(ONE);
            return x;
        }
        Tensor t = torch.tanh(x);
        x.close();
        return t;
    }

    /** tanh(x), x kept. */
    Tensor tanh(Tensor x) {
        if (!inPlace) return torch.tanh(x);
        Tensor t = x.mul(TWO);
        t.sigmoid_().mul_(TWO).sub_(ONE);
        return t;
    }

    /** The channel-wise concatenation of a and b, both kept. */
    static Tensor cat(Tensor a, Tensor b) {
        try (TensorVector parts = new TensorVector(a, b)) {
            return torch.cat(parts, 1);
        }
    }

    /** The concatenation of {@code parts} along dimension 0 (stacked weights), all kept. */
    static Tensor cat0(Tensor... parts) {
        try (TensorVector v = new TensorVector(parts)) {
            return torch.cat(v, 0);
        }
    }

    static void free(Tensor... tensors) {
        for (Tensor t : tensors) t.close();
    }
}
