package io.derain.models.training;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.DerainCheckpoint;
import io.derain.models.weights.StateDict;
import io.derain.models.weights.WeightLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training run's state on disk, in a directory: {@code weights.ckpt} (the generator's weights and
 * architecture: usable as is with {@code derain run --weights}) and {@code optimizer.ckpt} (Adam's moments
 * and the step reached). Both are written atomically, weights last, so a crash leaves a consistent pair.
 */
public final class TrainingCheckpoint {
    public static final String WEIGHTS = "weights.ckpt";
    public static final String OPTIMIZER = "optimizer.ckpt";
    private static final String STEP = "training.step";

    private final Path directory;

    public TrainingCheckpoint(Path directory) {
        this.directory = directory;
    }

    public Path weightsFile() {
        return directory.resolve(WEIGHTS);
    }

    public boolean exists() {
        return Files.isRegularFile(weightsFile()) && Files.isRegularFile(directory.resolve(OPTIMIZER));
    }

    public void save(AttentiveGenerator generator, AdamOptimizer optimizer, long step, Map<String, String> notes)
            throws java.io.IOException {
        Files.createDirectories(directory);
        Map<String, String> meta = new LinkedHashMap<>(notes);
        meta.put(STEP, Long.toString(step));
        DerainCheckpoint.write(directory.resolve(OPTIMIZER), meta, optimizer.state());
        try (StateDict weights = StateDict.of(generator, "training step " + step)) {
            meta.putAll(generator.config().toMetadata());
            weights.metadata().putAll(meta);
            weights.write(weightsFile());
        }
    }

    /** Saves the discriminator and its optimizer beside the generator's files. */
    public void save(AdversarialTraining adversarial) throws java.io.IOException {
        adversarial.save(directory);
    }

    /** Restores the discriminator, if this checkpoint has one. */
    public void restore(AdversarialTraining adversarial) {
        adversarial.restore(directory);
    }

    /** The architecture the checkpoint was trained with. */
    public GeneratorConfig config() {
        try (StateDict weights = StateDict.read(weightsFile())) {
            GeneratorConfig c = GeneratorConfig.fromMetadata(weights.metadata());
            if (c == null) throw new IllegalStateException(weightsFile() + ": no model description");
            return c;
        }
    }

    /** Loads weights and optimizer state; returns the step to continue from. */
    public long restore(AttentiveGenerator generator, AdamOptimizer optimizer) {
        try (StateDict weights = StateDict.read(weightsFile());
             StateDict state = StateDict.read(directory.resolve(OPTIMIZER))) {
            WeightLoader.load(generator, weights);
            long step = Long.parseLong(state.metadata().get(STEP));
            optimizer.restore(state.tensors(), step);
            return step;
        }
    }
}
