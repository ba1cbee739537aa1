package io.derain.models.restore;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.StateDict;
import io.derain.models.weights.WeightLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Resolves what the user asked to run into a ready model: {@code --weights FILE} (a state dict for the
 * attentive generator, its architecture read from the checkpoint or inferred from tensor shapes), a
 * named model with its bundled weights ({@link #NAMES}), or a TorchScript file.
 * Never returns a network with random weights.
 */
public final class ModelCatalog {
    /** Bundled weights live on the class path under this folder, as {@code <name>.ckpt}. */
    public static final String BUNDLED = "/io/derain/models/bundled/";

    /**
     * The models named on the command line: {@code lite-wet} (the default: the lite network trained for real wet
     * glass and for clear frames, see the README's model card), {@code lite} (the same network gated by its map,
     * judged on synthetic drops) and {@code paper} (the released configuration, no weights bundled: give
     * {@code --weights gen.pkl}).
     */
    public static final List<String> NAMES = List.of("lite", "lite-wet", "paper");

    /** What runs when no model is named: one of {@link #NAMES}, chosen by its figures on real drops (README). */
    public static final String DEFAULT = "lite-wet";

    /** Whether {@code name} (any case) is one of {@link #NAMES}. */
    public static boolean isNamed(String name) {
        return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    private ModelCatalog() {}

    /**
     * @param model   {@code lite}, {@code paper}, or a TorchScript file
     * @param weights a weights file for the generator, or null for the bundled ones
     */
    public static RestorationModel open(String model, Path weights) {
        if (weights != null) {
            return fromWeights(weights, weights.toString());
        }
        String name = model == null ? DEFAULT : model.toLowerCase(Locale.ROOT);
        if (isNamed(name)) {
            return bundled(name);
        }
        Path file = Path.of(model);
        if (!Files.exists(file)) {
            throw new ModelLoadException("model '" + model + "': neither one of " + NAMES + " nor an existing file");
        }
        return TorchScriptModel.load(file, 4);
    }

    /** The generator with weights from {@code file}; {@code source} says where they came from, for logs. */
    public static GeneratorModel fromWeights(Path file, String source) {
        try (StateDict weights = StateDict.read(file)) {
            GeneratorConfig config = GeneratorConfig.fromMetadata(weights.metadata());
            if (config == null) config = ArchitectureInference.infer(weights, file);
            double threshold = dropThreshold(weights, file);
            GateSettings gate = GateSettings.readFrom(weights.metadata(), file.toString());
            AttentiveGenerator generator = new AttentiveGenerator(config);
            try {
                WeightLoader.load(generator, weights);
            } catch (RuntimeException e) {
                generator.close();
                throw e;
            }
            return new GeneratorModel(generator, source, threshold, gate);
        }
    }

    /**
     * The weights the user asked for, as a state dict whose metadata describes the architecture (inferred
     * for files that carry none): {@code --weights FILE}, or the bundled weights of {@code model}
     * (one of {@link #NAMES}). For tools that rewrite weights.
     */
    public static StateDict readWeights(String model, Path weights) {
        if (weights != null) {
            StateDict state = StateDict.read(weights);
            try {
                if (GeneratorConfig.fromMetadata(state.metadata()) == null) {
                    state.metadata().putAll(ArchitectureInference.infer(state, weights).toMetadata());
                }
            } catch (RuntimeException e) {
                state.close();
                throw e;
            }
            return state;
        }
        String name = model == null ? DEFAULT : model.toLowerCase(Locale.ROOT);
        if (!isNamed(name)) {
            throw new ModelLoadException("model '" + model + "': only a TorchScript model or the generator's weights can be read");
        }
        return withBundledFile(name, StateDict::read);
    }

    private static double dropThreshold(StateDict weights, Path file) {
        String value = weights.metadata().get(GeneratorModel.DROP_THRESHOLD_METADATA);
        if (value == null) return RestorationModel.DEFAULT_DROP_THRESHOLD;
        try {
            double t = Double.parseDouble(value);
            if (t > 0 && t <= 1) return t;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException(file + ": " + GeneratorModel.DROP_THRESHOLD_METADATA + " must be in (0, 1], got '" + value + "'");
    }

    /** Whether weights for {@code name} ship with this build. */
    public static boolean hasBundled(String name) {
        return ModelCatalog.class.getResource(BUNDLED + name + ".ckpt") != null;
    }

    /** The generator with the weights that ship for {@code name} (lite, paper); fails if none ship. */
    public static GeneratorModel bundled(String name) {
        return withBundledFile(name, file -> fromWeights(file, "bundled '" + name + "' weights"));
    }

    /** Applies {@code read} to the bundled weights of {@code name}, copied to a temporary file for the time. */
    private static <T> T withBundledFile(String name, Function<Path, T> read) {
        if (!hasBundled(name)) {
            throw new ModelLoadException("no weights are installed for the '" + name + "' model; give a weights file "
                    + "(for example the paper's released gen.pkl) or a TorchScript model");
        }
        try (InputStream in = ModelCatalog.class.getResourceAsStream(BUNDLED + name + ".ckpt")) {
            Path tmp = Files.createTempFile("derain-" + name, ".ckpt");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return read.apply(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the bundled '" + name + "' weights: " + e.getMessage(), e);
        }
    }
}
