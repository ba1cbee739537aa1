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

    @Option(names = "--model", paramLabel = "lite|paper|FILE", defaultValue = "lite",
            description = "Architecture (lite: the bundled CPU-sized model; paper: the released configuration) "
                    + "or a TorchScript image-to-image model file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The derain operator for these options: settings checked first, so bad options load no model. */
    DerainOperator openOperator(ComputeOptions compute) {
        DerainSettings settings = compute.settings();
        ComputeDevice device = compute.select();
        String warning = ComputeOptions.slowSettingsWarning(settings, device);
        if (warning != null) {
            mixee.commandLine().getErr().println(warning);
            mixee.commandLine().getErr().flush();
        }
        return new DerainOperator(ModelCatalog.open(model, weights), device, settings);
    }
}
