package io.derain.models.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam (Kingma and Ba) over a module's named parameters, with its moment estimates exposed by name so a
 * checkpoint can store and restore them exactly (libtorch's optimizer state is not reachable for that
 * from Java).
 */
public final class AdamOptimizer implements AutoCloseable {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> firstMoments = new LinkedHashMap<>();
    private final Map<String, Tensor> secondMoments = new LinkedHashMap<>();
    private final double beta1, beta2, eps;
    private double learningRate;
    private long steps;

    public AdamOptimizer(StringTensorDict namedParameters, double learningRate, double beta1, double beta2) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = 1e-8;
        for (long i = 0; i < namedParameters.size(); i++) {
            String name = namedParameters.get(i).key().getString();
            // An owning handle: value() points into the dict, which does not outlive this constructor.
            Tensor p = new Tensor(namedParameters.get(i).value());
            params.put(name, p);
            firstMoments.put(name, torch.zeros_like(p));
            secondMoments.put(name, torch.zeros_like(p));
        }
    }

    public void setLearningRate(double learningRate) { this.learningRate = learningRate; }

    public long steps() { return steps; }

    /** Applies one update from the parameters' current gradients, then clears them. */
    public void step() {
        steps++;
        double bias1 = 1 - Math.pow(beta1, steps), bias2 = 1 - Math.pow(beta2, steps);
        double stepSize = learningRate / bias1;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (!g.defined()) continue;
                Tensor m = firstMoments.get(e.getKey()), v = secondMoments.get(e.getKey());
                m.mul_(new Scalar(beta1)).add_(g, new Scalar(1 - beta1));
                v.mul_(new Scalar(beta2)).addcmul_(g, g, new Scalar(1 - beta2));
                Tensor denom = v.div(new Scalar(bias2)).sqrt_().add_(new Scalar(eps));
                p.addcdiv_(m, denom, new Scalar(-stepSize));
                g.zero_();
            }
        }
    }

    /** Moment estimates by name ({@code m.<param>}, {@code v.<param>}) for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        firstMoments.forEach((k, t) -> s.put("m." + k, t));
        secondMoments.forEach((k, t) -> s.put("v." + k, t));
        return s;
    }

    /** Restores {@link #state()} and the step count written by a checkpoint. */
    public void restore(Map<String, Tensor> state, long steps) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            firstMoments.forEach((k, t) -> t.copy_(require(state, "m." + k)));
            secondMoments.forEach((k, t) -> t.copy_(require(state, "v." + k)));
        }
        this.steps = steps;
    }

    private static Tensor require(Map<String, Tensor> state, String name) {
        Tensor t = state.get(name);
        if (t == null) throw new IllegalArgumentException("optimizer state lacks " + name);
        return t;
    }

    @Override
    public void close() {
        params.values().forEach(Tensor::close);
        firstMoments.values().forEach(Tensor::close);
        secondMoments.values().forEach(Tensor::close);
    }
}
