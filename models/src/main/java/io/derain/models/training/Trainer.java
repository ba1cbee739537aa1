package io.derain.models.training;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorOutput;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Trains the attentive generator on synthetic pairs with the paper's losses; checkpoints every N steps
 * and resumes from the last checkpoint. Logs losses and throughput.
 */
public final class Trainer {
    private final AttentiveGenerator generator;
    private final SampleSource data;
    private final TrainingSettings settings;
    private final TrainingCheckpoint checkpoint;
    private final Map<String, String> notes;
    private final Consumer<String> log;
    private final GeneratorLoss loss;
    private final AdversarialTraining adversarial;

    /**
     * @param notes recorded in every checkpoint (data used, command line) so weights say how they were made
     */
    public Trainer(AttentiveGenerator generator, SampleSource data, TrainingSettings settings,
                   TrainingCheckpoint checkpoint, Map<String, String> notes, Consumer<String> log) {
        this(generator, data, settings, checkpoint, notes, log, null);
    }

    /** @param adversarial the discriminator and its losses, or null to train without them */
    public Trainer(AttentiveGenerator generator, SampleSource data, TrainingSettings settings,
                   TrainingCheckpoint checkpoint, Map<String, String> notes, Consumer<String> log,
                   AdversarialTraining adversarial) {
        this.adversarial = adversarial;
        this.generator = generator;
        this.data = data;
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.notes = notes;
        this.log = log;
        this.loss = new GeneratorLoss(settings.reconstructionWeight(), settings.dropWeight());
    }

    /** Runs until {@code settings.steps()}; with {@code resume}, continues from the checkpoint if one exists. */
    public void run(boolean resume) throws IOException {
        generator.train(true);
        try (AdamOptimizer adam = new AdamOptimizer(generator.named_parameters(), settings.learningRate(), 0.5, 0.999)) {
            long step = 0;
            if (resume && checkpoint.exists()) {
                step = checkpoint.restore(generator, adam);
                if (adversarial != null) checkpoint.restore(adversarial);
                log.accept(String.format("resumed from %s at step %d", checkpoint.weightsFile(), step));
            }
            long windowStart = System.nanoTime();
            double[] sums = new double[5];
            int inWindow = 0;
            while (step < settings.steps()) {
                adam.setLearningRate(settings.learningRateAt(step));
                if (adversarial != null) adversarial.setLearningRate(settings.learningRateAt(step));
                TrainingBatch batch = data.batch(step, settings.batchSize(), settings.crop());
                try (PointerScope scope = new PointerScope()) {
                    scope.attach(batch.rainy());
                    scope.attach(batch.clean());
                    scope.attach(batch.mask());
                    GeneratorOutput out = generator.forward(batch.rainy());
                    GeneratorLoss.Terms terms = loss.compute(out, batch);
                    Tensor total = terms.total();
                    if (adversarial != null) total = total.add(adversarial.generatorTerm(out.image()));
                    total.backward();
                    adam.step();
                    if (adversarial != null) {
                        adversarial.discriminatorStep(batch.clean(), out.image().detach(), out.finalAttention().detach());
                    }
                    sums[0] += terms.total().item_double();
                    sums[1] += terms.attention().item_double();
                    sums[2] += terms.multiScale().item_double();
                    sums[3] += terms.reconstruction().item_double();
                    if (terms.drops() != null) sums[4] += terms.drops().item_double();
                }
                step++;
                inWindow++;
                if (step % settings.logEvery() == 0 || step == settings.steps()) {
                    double seconds = (System.nanoTime() - windowStart) / 1e9;
                    String dropTerm = settings.dropWeight() > 0 ? String.format(", L1 in drops %.5f", sums[4] / inWindow) : "";
                    log.accept(String.format("step %d/%d  loss %.5f (attention %.5f, multi-scale %.5f, L1 %.5f%s)"
                                    + "  lr %.2e  %.2f steps/s  %.1f crops/s", step, settings.steps(),
                            sums[0] / inWindow, sums[1] / inWindow, sums[2] / inWindow, sums[3] / inWindow, dropTerm,
                            settings.learningRateAt(step), inWindow / seconds, inWindow * settings.batchSize() / seconds));
                    sums = new double[5];
                    inWindow = 0;
                    windowStart = System.nanoTime();
                }
                if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
                    if (adversarial != null) checkpoint.save(adversarial); // before the weights: they mark the step
                    checkpoint.save(generator, adam, step, notes);
                }
            }
        }
        generator.train(false);
    }
}
