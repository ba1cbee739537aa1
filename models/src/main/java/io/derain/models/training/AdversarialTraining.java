package io.derain.models.training;

import io.derain.models.discriminator.AttentiveDiscriminator;
import io.derain.models.weights.DerainCheckpoint;
import io.derain.models.weights.StateDict;
import io.derain.models.weights.WeightLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The paper's adversarial part, optional: the generator is pushed (weight 0.01) towards outputs the
 * attentive discriminator takes for clean; the discriminator learns clean vs derained and, with weight
 * γ = 0.05, to point its map at what the generator's final attention map marks on derained images and at
 * nothing on clean ones. Costs several times the lite generator per step on a CPU.
 */
public final class AdversarialTraining implements AutoCloseable {
    public static final double GENERATOR_WEIGHT = 0.01;
    public static final double MAP_WEIGHT = 0.05;
    private static final String FILE = "discriminator.ckpt";

    private final AttentiveDiscriminator discriminator = new AttentiveDiscriminator();
    private final AdamOptimizer adam;

    public AdversarialTraining(double learningRate) {
        adam = new AdamOptimizer(discriminator.named_parameters(), learningRate, 0.5, 0.999);
    }

    /** The generator's adversarial loss on its output (differentiable w.r.t. the generator). */
    public Tensor generatorTerm(Tensor derained) {
        Tensor logit = discriminator.forward(derained).logit();
        return torch.binary_cross_entropy_with_logits(logit, torch.ones_like(logit)).mul(new Scalar(GENERATOR_WEIGHT));
    }

    /** One discriminator update; {@code derained} and {@code attention} must be detached from the generator. */
    public double discriminatorStep(Tensor clean, Tensor derained, Tensor attention) {
        discriminator.zero_grad(true); // drops what the generator's step left in our gradients
        AttentiveDiscriminator.Verdict real = discriminator.forward(clean);
        AttentiveDiscriminator.Verdict fake = discriminator.forward(derained);
        Tensor loss = torch.binary_cross_entropy_with_logits(real.logit(), torch.ones_like(real.logit()))
                .add(torch.binary_cross_entropy_with_logits(fake.logit(), torch.zeros_like(fake.logit())))
                .add(torch.mse_loss(fake.map(), attention).add(torch.mse_loss(real.map(), torch.zeros_like(real.map())))
                        .mul(new Scalar(MAP_WEIGHT)));
        loss.backward();
        adam.step();
        return loss.item_double();
    }

    public void setLearningRate(double rate) {
        adam.setLearningRate(rate);
    }

    void save(Path directory) throws java.io.IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (StateDict weights = StateDict.of(discriminator, "discriminator")) {
            weights.tensors().forEach((k, t) -> tensors.put("model." + k, t));
            adam.state().forEach((k, t) -> tensors.put("adam." + k, t));
            DerainCheckpoint.write(directory.resolve(FILE), Map.of("adam.steps", Long.toString(adam.steps())), tensors);
        }
    }

    void restore(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) return; // resuming a run that trained without it
        try (StateDict all = StateDict.read(file); StateDict weights = new StateDict(file.toString())) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            all.tensors().forEach((k, t) -> {
                if (k.startsWith("model.")) weights.put(k.substring(6), new Tensor(t));
                else if (k.startsWith("adam.")) state.put(k.substring(5), t);
            });
            WeightLoader.load(discriminator, weights);
            adam.restore(state, Long.parseLong(all.metadata().get("adam.steps")));
        }
    }

    @Override
    public void close() {
        adam.close();
        discriminator.close();
    }
}
