package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.evaluation.EvaluationReport;
import io.derain.pipeline.evaluation.ImageScore;
import io.derain.pipeline.evaluation.PairScorer;
import io.derain.pipeline.evaluation.PairsDirectory;
import io.derain.pipeline.sink.TempOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code derain eval --pairs DIR}: how well a model removes drops, in the paper's measures. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Scores a model (or derained images) on rainy/clean pairs: PSNR, SSIM, mask IoU.",
                "Derains DIR/rainy/* with a model and compares rainy input and derained output with "
                + "DIR/clean/* (same file names): PSNR and SSIM on BT.601 luminance as in the paper, the gain "
                + "in dB, and where DIR/mask/* exists the IoU of the model's attention map with the drop mask.",
                "With --outputs, scores images derained elsewhere instead (no model is loaded).",
                "'derain synth VIDEO -o DIR' makes such a directory."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pairs", required = true, paramLabel = "DIR", description = "Holds rainy/, clean/ and optionally mask/.")
    Path pairsDirectory;

    @Option(names = "--outputs", paramLabel = "DIR2",
            description = "Already derained images, named as in DIR/rainy/, to score instead of running a model.")
    Path outputs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the scores as JSON.")
    Path json;

    @Option(names = "--mask-threshold", paramLabel = "T",
            description = "Attention level (0..1] from which a pixel counts as drop for the IoU "
                    + "(default: the model's calibrated drop threshold, 0.5 for an uncalibrated one).")
    Double maskThreshold;

    @Option(names = {"-y", "--overwrite"}, description = "Replace the --json file if it exists.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        if (maskThreshold != null && !(maskThreshold > 0 && maskThreshold <= 1)) {
            throw new SettingsException("--mask-threshold must be in (0, 1], got " + maskThreshold);
        }
        if (outputs != null && (modelOptions.weights != null
                || spec.commandLine().getParseResult().hasMatchedOption("--model"))) {
            throw new SettingsException("--outputs scores existing images: it takes no --model or --weights");
        }
        PairsDirectory pairs = PairsDirectory.open(pairsDirectory);
        if (outputs != null && !Files.isDirectory(outputs)) {
            throw new io.derain.pipeline.InputException(outputs + ": no such directory");
        }
        // Reserve the JSON file first: an existing one is refused before any work is done.
        TempOutput jsonOutput = json == null ? null : TempOutput.file(json, overwrite);
        try {
            EvaluationReport report = outputs != null ? scoreOutputs(pairs) : scoreModel(pairs);
            report.printTable(spec.commandLine().getOut());
            if (jsonOutput != null) {
                Files.writeString(jsonOutput.temp(), report.toJson(), StandardCharsets.UTF_8);
                jsonOutput.commit();
            }
        } finally {
            if (jsonOutput != null) jsonOutput.discard(); // no-op after commit
        }
        return 0;
    }

    private EvaluationReport scoreOutputs(PairsDirectory pairs) {
        // Scored images carry no attention map: the threshold only labels the report.
        double threshold = maskThreshold != null ? maskThreshold : RestorationModel.DEFAULT_DROP_THRESHOLD;
        PairScorer scorer = new PairScorer(pairs, threshold);
        List<ImageScore> scores = new ArrayList<>();
        for (String name : pairs.names()) {
            scores.add(scorer.scoreFile(name, outputs.resolve(name)));
        }
        return new EvaluationReport(pairsDirectory.toString(), outputs.toString(), threshold, scores);
    }

    private EvaluationReport scoreModel(PairsDirectory pairs) throws IOException {
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            double threshold = maskThreshold != null ? maskThreshold : operator.dropThreshold();
            List<ImageScore> scores = ModelScoring.run(operator, pairs, new PairScorer(pairs, threshold), quiet, "derain eval");
            return new EvaluationReport(pairsDirectory.toString(), operator.describe(), threshold, scores);
        }
    }
}
