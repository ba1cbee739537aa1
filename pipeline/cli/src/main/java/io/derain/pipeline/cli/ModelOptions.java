package io.derain.pipeline.cli;

import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Which network and weights to run: shared by every command that runs a model. */
final class ModelOptions {
    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights for the attentive generator: the paper's gen.pkl (legacy PyTorch format), "
                    + "a state dict saved by PyTorch (zip format), or a derain checkpoint.")
    Path weights;

    @Option(names = "--model", paramLabel = "lite|lite-wet|paper|none|FILE", defaultValue = ModelCatalog.DEFAULT,
            description = "Model (lite-wet: the bundled CPU-sized model, trained for real wet glass and to leave clear "
                    + "frames alone; lite: the same network gated by its raindrop map, judged on synthetic drops; "
                    + "paper: the released configuration, with --weights gen.pkl), a TorchScript image-to-image model "
                    + "file, or none (run only: frames pass through, e.g. to publish a camera to Kafka). "
                    + "Default: ${DEFAULT-VALUE}.")
    String model;

    /** {@code --model none}: no model at all (derain run only). */
    boolean isNone() {
        return weights == null && "none".equalsIgnoreCase(model);
    }

    /**
     * {@code sha256:<hex>} of the weights this command runs (the file given, or the bundled weights), so that
     * consumers of derained records can tell two trainings apart; null if they cannot be read.
     */
    String weightsDigest() {
        return digest(model, weights);
    }

    /** {@code sha256:<hex>} of the weights {@code model} (a bundled name or a file) or {@code weights} name; null if unreadable. */
    static String digest(String model, Path weights) {
        String bundled = Path.of(model).getFileName() == null ? model : Path.of(model).getFileName().toString();
        try (java.io.InputStream in = weights != null ? java.nio.file.Files.newInputStream(weights)
                : model.contains("/") || model.contains(".") ? java.nio.file.Files.newInputStream(Path.of(model))
                : ModelCatalog.class.getResourceAsStream(ModelCatalog.BUNDLED + bundled + ".ckpt")) {
            if (in == null) return null;
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
            return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** Which model makes a record's pixels, for Kafka headers: none with {@code --model none}. */
    io.derain.pipeline.kafka.ModelStamp stamp() {
        return isNone() ? io.derain.pipeline.kafka.ModelStamp.NONE
                : new io.derain.pipeline.kafka.ModelStamp(name(), weightsDigest());
    }

    /** The model's name for record headers: lite, paper, the TorchScript file's name, or the weights file's. */
    String name() {
        if (weights != null) return weights.getFileName().toString();
        Path file = Path.of(model);
        return file.getFileName() == null ? model : file.getFileName().toString();
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The derain operator for these options: settings checked first, so bad options load no model. */
    DerainOperator openOperator(ComputeOptions compute) {
        DerainSettings settings = compute.settings();
        checkModelNames();
        ComputeDevice device = compute.select();
        String warning = ComputeOptions.slowSettingsWarning(settings, device);
        if (warning != null) {
            mixee.commandLine().getErr().println(warning);
            mixee.commandLine().getErr().flush();
        }
        return new DerainOperator(ModelCatalog.open(model, weights), device, settings);
    }

    /** What the catalog says, in this command's terms: which flag gives the model what it lacks. */
    private void checkModelNames() {
        String name = model == null ? ModelCatalog.DEFAULT : model.toLowerCase(java.util.Locale.ROOT);
        boolean named = ModelCatalog.isNamed(name);
        if (weights == null && named && !ModelCatalog.hasBundled(name)) {
            throw new io.derain.models.restore.ModelLoadException("--model " + model + ": no weights are installed for "
                    + "the '" + name + "' model; pass --weights FILE (for example the paper's released gen.pkl) or "
                    + "--model FILE (a TorchScript model)");
        }
        if (weights == null && !named && !java.nio.file.Files.exists(java.nio.file.Path.of(model))) {
            throw new io.derain.models.restore.ModelLoadException("--model " + model + ": neither one of " + ModelCatalog.NAMES
                    + " nor an existing file");
        }
    }
}
