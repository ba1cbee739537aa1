package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.evaluation.DropLook;
import io.derain.pipeline.evaluation.DropLookReport;
import io.derain.pipeline.evaluation.DropRegions;
import io.derain.pipeline.evaluation.EvaluationReport;
import io.derain.pipeline.evaluation.ImageScore;
import io.derain.pipeline.evaluation.MapAgreement;
import io.derain.pipeline.evaluation.MapAgreementReport;
import io.derain.pipeline.evaluation.PairScorer;
import io.derain.pipeline.evaluation.PairsDirectory;
import io.derain.pipeline.evaluation.ReferenceMaps;
import io.derain.pipeline.sink.TempOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code derain eval --pairs DIR | --maps DIR | --flicker VIDEO | --drop-look DIR}: how well a model removes drops
 * and finds them, and how drops look.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Scores a model (or derained images) on rainy/clean pairs: PSNR, SSIM, mask IoU; or its "
                + "attention maps against reference maps.",
                "--pairs DIR: derains DIR/rainy/* and compares rainy input and derained output with DIR/clean/* "
                + "(same file names): PSNR and SSIM on BT.601 luminance as in the paper, the gain in dB, and where "
                + "DIR/mask/* exists the IoU of the model's attention map with the drop mask. --compare NAME=DIR2 "
                + "scores another method's outputs beside it (e.g. the paper's); --outputs scores derained images "
                + "instead of running a model.",
                "--maps DIR: runs the model on DIR/rainy/* and compares its attention map with the jet-colormap "
                + "reference maps in DIR/paper-map/ (N.png or N_stepK.png, the last step): IoU and the share of "
                + "each photo called drop.",
                "--flicker VIDEO: derains the video per frame and in the temporal mode (run --temporal) in one run and "
                + "reports each output's flicker: the mean luminance difference between a frame and the previous one "
                + "warped onto it by optical flow.",
                "--drop-look DIR: no model; how the drops in DIR/rainy/* look, per photo and pooled, so synthetic drops "
                + "can be matched to real ones. With DIR/clean/* (real pairs or synth's) a pixel is drop where its "
                + "luminance is 30+ levels off a least-squares fit rainy = a * clean + b (the veil undone; refitted "
                + "within 20 levels), then a 3x3 open and close; DIR/mask/* is not used, so real and synthetic pairs "
                + "are measured alike. Without clean/, the jet maps in DIR/paper-map/ at >= 0.5, as --maps counts "
                + "them. Figures: drops (4-connected, >= 4 px), drops per megapixel, radius percentiles 25/50/75/90 "
                + "over the height, coverage; brightness (mean Y in drops minus the ring around them) and contrast "
                + "(std ratio); dark rim (share of drop edges 15+ levels below the ring nearby); edge width (median "
                + "step over Sobel gradient at drop edges, thousandths of the height); with clean/, the mean "
                + "|rainy - clean| in drops after the veil fit and the fit's a, b.",
                "'derain synth VIDEO -o DIR' makes a pairs directory."})
final class EvalCommand implements Callable<Integer> {

    /** The rate pairs are taken at with --temporal: it only sets the timestamps the temporal mode checks for gaps. */
    private static final double SEQUENCE_FPS = 25;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--pairs", required = true, paramLabel = "DIR", description = "Holds rainy/, clean/ and optionally mask/.")
        Path pairs;

        @Option(names = "--maps", required = true, paramLabel = "DIR",
                description = "Holds rainy/ photos and their reference attention maps in paper-map/.")
        Path maps;

        @Option(names = "--flicker", required = true, paramLabel = "VIDEO",
                description = "A rainy video: derain it per frame and with --temporal in one run and compare their flicker.")
        Path flicker;

        @Option(names = "--drop-look", required = true, paramLabel = "DIR",
                description = "Holds rainy/ and clean/ (used even where mask/ or paper-map/ is there too) or "
                        + "rainy/ and paper-map/: measure how the drops look; no model.")
        Path dropLook;
    }

    @Option(names = "--frames", paramLabel = "N", defaultValue = "0",
            description = "With --flicker: only the first N frames (default: all).")
    long frames;

    @Option(names = "--outputs", paramLabel = "DIR2",
            description = "Already derained images, named as in DIR/rainy/, to score instead of running a model.")
    Path outputs;

    @Option(names = "--compare", paramLabel = "NAME=DIR2",
            description = "Also score another method's outputs (named as in DIR/rainy/) beside the model, as a row "
                    + "of the summary, e.g. --compare paper=DIR/paper-output. Repeatable.")
    Map<String, Path> compare = new LinkedHashMap<>();

    @Option(names = "--temporal",
            description = "With --pairs: also score the pairs as the consecutive frames of a video (name order, as "
                    + "synth writes a clip's frames, taken at 25 fps) in the temporal mode, beside per frame.")
    boolean temporal;

    @Option(names = "--glass", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --temporal or --flicker: the temporal mode also finds drops by what stays put on the glass "
                    + "while the scene moves (default); --no-glass: by the network's map only.")
    boolean glass;

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
        if (target.pairs == null && (outputs != null || !compare.isEmpty())) {
            throw new SettingsException("--outputs and --compare score pairs: they need --pairs");
        }
        if (frames < 0) throw new SettingsException("--frames must not be negative");
        if (temporal && (target.pairs == null || outputs != null)) {
            throw new SettingsException("--temporal scores a model on --pairs: it takes no --outputs, --maps, --flicker or --drop-look");
        }
        if (target.dropLook != null && (modelOptions.weights != null || maskThreshold != null
                || spec.commandLine().getParseResult().hasMatchedOption("--model"))) {
            throw new SettingsException("--drop-look measures the drops in the pictures: it takes no --model, --weights or --mask-threshold");
        }
        for (Path dir : outputs == null ? compare.values() : concat(compare.values(), outputs)) {
            if (!Files.isDirectory(dir)) throw new InputException(dir + ": no such directory");
        }
        PairsDirectory pairs = target.pairs == null ? null : PairsDirectory.open(target.pairs);
        ReferenceMaps maps = target.maps == null ? null : ReferenceMaps.open(target.maps);
        DropRegions drops = target.dropLook == null ? null : DropRegions.open(target.dropLook);
        // Reserve the JSON file first: an existing one is refused before any work is done.
        TempOutput jsonOutput = json == null ? null : TempOutput.file(json, overwrite);
        try {
            String jsonText = target.flicker != null ? scoreFlicker() : maps != null ? scoreMaps(maps)
                    : drops != null ? measureDrops(drops) : scorePairs(pairs);
            if (jsonOutput != null) {
                Files.writeString(jsonOutput.temp(), jsonText, StandardCharsets.UTF_8);
                jsonOutput.commit();
            }
        } finally {
            if (jsonOutput != null) jsonOutput.discard(); // no-op after commit
        }
        return 0;
    }

    private static List<Path> concat(java.util.Collection<Path> some, Path one) {
        List<Path> all = new ArrayList<>(some);
        all.add(one);
        return all;
    }

    /** Prints the tables; returns the JSON. */
    private String scorePairs(PairsDirectory pairs) throws IOException {
        EvaluationReport report = outputs != null ? scoreOutputs(pairs, outputs) : scoreModel(pairs);
        report.printTable(spec.commandLine().getOut());
        if (compare.isEmpty() && !temporal) return report.toJson();
        List<EvaluationReport> all = new ArrayList<>(List.of(report));
        List<String> names = new ArrayList<>(List.of(outputs != null ? outputs.toString() : "derain"));
        if (temporal) {
            EvaluationReport steps = scoreTemporal(pairs);
            steps.printTable(spec.commandLine().getOut());
            all.add(steps);
            names.add("temporal");
        }
        for (Path dir : compare.values()) {
            EvaluationReport other = scoreOutputs(pairs, dir);
            other.printTable(spec.commandLine().getOut());
            all.add(other);
        }
        names.addAll(compare.keySet());
        EvaluationReport.printSummary(spec.commandLine().getOut(), names, all);
        return EvaluationReport.toJson(names, all);
    }

    private EvaluationReport scoreOutputs(PairsDirectory pairs, Path dir) {
        // Scored images carry no attention map: the threshold only labels the report.
        double threshold = maskThreshold != null ? maskThreshold : RestorationModel.DEFAULT_DROP_THRESHOLD;
        PairScorer scorer = new PairScorer(pairs, threshold);
        List<ImageScore> scores = new ArrayList<>();
        for (String name : pairs.names()) {
            scores.add(scorer.scoreFile(name, dir.resolve(name)));
        }
        return new EvaluationReport(target.pairs.toString(), dir.toString(), threshold, scores);
    }

    private EvaluationReport scoreModel(PairsDirectory pairs) throws IOException {
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            double threshold = maskThreshold != null ? maskThreshold : operator.dropThreshold();
            PairScorer scorer = new PairScorer(pairs, threshold);
            List<ImageScore> scores = ModelScoring.run(operator, pairs, scorer, quiet, "derain eval");
            if (scorer.maskDrops().count() > 0) {
                spec.commandLine().getOut().println("drop sizes: masks: " + scorer.maskDrops().describe());
            }
            return new EvaluationReport(target.pairs.toString(), operator.describe(), threshold, scores);
        }
    }

    private EvaluationReport scoreTemporal(PairsDirectory pairs) throws IOException {
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            double threshold = maskThreshold != null ? maskThreshold : operator.dropThreshold();
            List<ImageScore> scores = ModelScoring.runTemporal(operator, pairs, new PairScorer(pairs, threshold),
                    SEQUENCE_FPS, io.derain.operators.temporal.TemporalSettings.defaults().withGlass(glass), quiet, "derain eval");
            return new EvaluationReport(target.pairs.toString(), operator.describe() + ", temporal mode", threshold, scores);
        }
    }

    private String scoreFlicker() throws IOException {
        io.derain.pipeline.source.MediaPaths.requireReadableFile(target.flicker);
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            if (!quiet) System.err.println("derain eval: " + operator.describe());
            return FlickerScoring.run(operator, target.flicker, frames,
                    io.derain.operators.temporal.TemporalSettings.defaults().withGlass(glass), spec.commandLine().getOut());
        }
    }

    /** Prints the table; returns the JSON. */
    private String measureDrops(DropRegions drops) {
        DropLookReport report = DropLook.measure(drops);
        report.printTable(spec.commandLine().getOut());
        return report.toJson();
    }

    private String scoreMaps(ReferenceMaps maps) throws IOException {
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            double threshold = maskThreshold != null ? maskThreshold : operator.dropThreshold();
            try (MapAgreement agreement = new MapAgreement(maps, threshold)) {
                ModelScoring.run(operator, maps.rainyDirectory(), agreement, quiet, "derain eval");
                MapAgreementReport report = new MapAgreementReport(target.maps.toString(), operator.describe(),
                        threshold, agreement.scores());
                report.printTable(spec.commandLine().getOut());
                spec.commandLine().getOut().printf("drop sizes: reference: %s%ndrop sizes: ours:      %s%n",
                        agreement.referenceDrops().describe(), agreement.ourDrops().describe());
                spec.commandLine().getOut().flush();
                return report.toJson();
            }
        }
    }
}
