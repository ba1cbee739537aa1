package io.derain.pipeline.cli;

import io.derain.models.restore.GateSettings;
import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.ModelCatalog;
import io.derain.models.weights.StateDict;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.evaluation.PairScorer;
import io.derain.pipeline.evaluation.PairsDirectory;
import io.derain.pipeline.evaluation.ThresholdSweep;
import io.derain.pipeline.sink.TempOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code derain calibrate --pairs DIR -o FILE}: finds the attention level from which the model's map best
 * matches the drop masks of validation pairs (highest mean IoU) and writes the weights again with that
 * drop threshold in their metadata. {@code eval} then scores the map's IoU at it and {@code run --attention}
 * reports drop coverage with it. Calibrate on pairs made from footage the test set does not come from.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Calibrates the model's drop threshold on validation pairs with masks and writes the weights "
                + "with it.",
                "Runs the model on DIR/rainy/*, compares its attention map with DIR/mask/* at the thresholds "
                + "0.05, 0.10, ... 0.95, and stores the one with the highest mean IoU in FILE (a derain checkpoint "
                + "with the same weights). Use it as --weights FILE.",
                "The gate it runs with (the weights' own, or --attention-gate/--gate-grow/--gate-gain/--gate-floor) is stored "
                + "too and becomes the weights' default.",
                "'derain synth VIDEO -o DIR' makes such a directory; take footage the model is not tested on."})
final class CalibrateCommand implements Callable<Integer> {
    /** Calibration candidates: a coarse grid, so that a small validation set cannot over-fit the level. */
    static final double[] THRESHOLDS = grid();

    @Spec
    CommandSpec spec;

    @Option(names = "--pairs", required = true, paramLabel = "DIR", description = "Holds rainy/, clean/ and mask/.")
    Path pairsDirectory;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The calibrated weights.")
    Path output;

    @Option(names = {"-y", "--overwrite"}, description = "Replace FILE if it exists.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        PairsDirectory pairs = PairsDirectory.open(pairsDirectory);
        if (pairs.names().stream().noneMatch(n -> pairs.mask(n).isPresent())) {
            throw new InputException(pairsDirectory + ": no drop masks in mask/ to calibrate against (derain synth writes them)");
        }
        // Reserve the output first: an existing file is refused before any work is done.
        TempOutput file = TempOutput.file(output, overwrite);
        try (StateDict weights = ModelCatalog.readWeights(modelOptions.model, modelOptions.weights)) {
            ThresholdSweep sweep = new ThresholdSweep();
            GateSettings gate;
            try (DerainOperator operator = modelOptions.openOperator(compute)) {
                ModelScoring.run(operator, pairs, new PairScorer(pairs, operator.dropThreshold(), sweep), quiet,
                        "derain calibrate");
                gate = operator.gate().settings();
            }
            if (sweep.images() == 0) {
                throw new InputException(pairsDirectory + ": the model predicts no attention map to calibrate");
            }
            double best = sweep.best(THRESHOLDS);
            printTable(sweep, best, gate.enabled()
                    ? String.format(Locale.ROOT, "the gate on (widened %d px, gain %s, floor %s)", gate.grow(), gate.gain(), gate.floor())
                    : "the gate off (the whole output)");
            weights.metadata().put(GeneratorModel.DROP_THRESHOLD_METADATA, String.format(Locale.ROOT, "%.2f", best));
            weights.metadata().put(GeneratorModel.DROP_THRESHOLD_METADATA + ".calibration", String.format(Locale.ROOT,
                    "mean IoU %.4f on the %d masked pairs of %s", sweep.meanIoU(best), sweep.images(),
                    pairsDirectory.getFileName()));
            // The gate it ran with (the weights' own unless overridden) becomes the weights' default.
            gate.writeTo(weights.metadata());
            weights.write(file.temp());
            file.commit();
        } finally {
            file.discard(); // no-op after commit
        }
        return 0;
    }

    private void printTable(ThresholdSweep sweep, double best, String gateLine) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "derain calibrate: mean attention IoU over %d masked pairs of %s%n", sweep.images(),
                pairsDirectory);
        out.printf("%9s  %8s%n", "threshold", "mean IoU");
        for (double t : THRESHOLDS) {
            out.printf(Locale.ROOT, "%9.2f  %8.4f%s%n", t, sweep.meanIoU(t), t == best ? "  <- drop threshold" : "");
        }
        out.printf(Locale.ROOT, "derain calibrate: wrote %s with drop threshold %.2f and %s%n", output, best, gateLine);
        out.flush();
    }

    private static double[] grid() {
        double[] t = new double[19];
        for (int i = 0; i < t.length; i++) t[i] = (i + 1) / 20.0;
        return t;
    }
}
