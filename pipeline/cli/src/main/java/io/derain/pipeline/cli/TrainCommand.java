package io.derain.pipeline.cli;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.ModelCatalog;
import io.derain.models.runtime.Natives;
import io.derain.models.training.AdversarialTraining;
import io.derain.models.training.CleanImage;
import io.derain.models.synthesis.GlassSetup;
import io.derain.models.synthesis.GlassVeil;
import io.derain.models.training.DropRenders;
import io.derain.models.training.SyntheticPairs;
import io.derain.models.training.Trainer;
import io.derain.models.training.TrainingCheckpoint;
import io.derain.models.training.TrainingSettings;
import io.derain.models.SettingsException;
import io.derain.models.weights.StateDict;
import io.derain.models.weights.WeightLoader;
import io.derain.pipeline.training.CleanFrameLoader;
import io.derain.pipeline.training.SampleExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code derain train CLEAN... -o DIR}: trains (or fine-tunes) the generator on synthetic rain. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains the attentive generator on clean footage made rainy on the fly by the raindrop "
                + "synthesis (attention loss against the exact drop mask, multi-scale and L1 losses).",
                "Writes DIR/weights.ckpt (usable with run --weights) and DIR/optimizer.ckpt every "
                        + "--checkpoint-every steps; --resume continues from them."})
final class TrainCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLEAN", arity = "1..*", description = "Clean videos, images or image directories.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path output;

    @Option(names = "--model", defaultValue = "lite", description = "Architecture: lite or paper (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--init", paramLabel = "FILE|bundled",
            description = "Start from these weights (fine-tuning) instead of a fresh initialisation.")
    String init;

    @Option(names = "--steps", defaultValue = "6000") long steps;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--crop", defaultValue = "128", description = "Crop side, a multiple of 4 (default ${DEFAULT-VALUE}).") int crop;
    @Option(names = "--lr", defaultValue = "5e-4") double learningRate;
    @Option(names = "--l1-weight", defaultValue = "1.0") double l1Weight;
    @Option(names = "--drop-weight", defaultValue = "0", paramLabel = "W",
            description = "Also an L1 term over the drop mask's pixels alone, of this weight (default ${DEFAULT-VALUE}: "
                    + "none): soft, low-contrast drops weigh little in the whole-crop L1; give it again with --resume.")
    double dropWeight;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--adversarial", description = "Also train the paper's attentive discriminator and use its "
            + "adversarial loss (weight 0.01); several times slower per step on a CPU.") boolean adversarial;
    @Option(names = "--color-jitter", description = "Vary the exposure, gamma, white balance, saturation and "
            + "channel order of half the clean pictures before raining on them, so the model restores colours "
            + "the footage does not show (give it again with --resume).") boolean colorJitter;
    @Option(names = "--veil", defaultValue = "0", paramLabel = "V",
            description = "Also lay a wet-glass veil (whole-frame haze) of strength up to V (0..0.9; about 0.3 "
                    + "matches real lens photos) over 2 of 3 samples (default ${DEFAULT-VALUE}: none).") double veil;
    @Option(names = "--veil-lift", defaultValue = "0.45", paramLabel = "L",
            description = "With --veil: the veil's airlight is lifted 0.15 to L of full scale above the frame's mean "
                    + "(0.15..1; default ${DEFAULT-VALUE}; 0.8 covers the veils measured on the real pairs, some "
                    + "brighter than the clean photo's exposure; give it again with --resume).") double veilLift;
    @Option(names = "--drop-scale", defaultValue = "1", paramLabel = "S",
            description = "Below 1, half the samples get drops smaller by a factor between S and 1, more of them at "
                    + "the same coverage (real drops are 2-3x smaller than the styles' at the median; default "
                    + "${DEFAULT-VALUE}: the styles' sizes).") double dropScale;

    @Option(names = "--drops", defaultValue = "heuristic", paramLabel = "heuristic|optical|both",
            description = "Which renderer draws the training drops: heuristic (the lens and windshield looks), optical "
                    + "(spherical caps on randomly drawn glass, ray traced and defocused: synth --style optical) or both, "
                    + "half the samples each (default ${DEFAULT-VALUE}; give it again with --resume).") String drops;

    @Option(names = "--glass", defaultValue = "any", paramLabel = "plate|windshield|any",
            description = "With --drops optical or both: the glass the optical drops are drawn on, a geometry drawn per "
                    + "sample from its ranges (as synth --glass; default ${DEFAULT-VALUE}).") String glass;

    @Option(names = "--streaks", defaultValue = "0", paramLabel = "D",
            description = "Also falling-rain streaks of a density up to D (0..0.3) in half the samples, for the "
                    + "model to remove with the drops (default ${DEFAULT-VALUE}: none).") double streaks;
    @Option(names = "--dry", defaultValue = "0", paramLabel = "F",
            description = "This share of the samples (0..0.5) gets no rain at all: clean in, clean out, an empty map, "
                    + "so the model learns to leave clear frames alone (default ${DEFAULT-VALUE}: none; give it "
                    + "again with --resume).") double dry;
    @Option(names = "--residual", description = "Residual outputs: the network predicts a correction added to "
            + "its input (fine-tuning whole-image weights starts from the identity).") boolean residual;
    @Option(names = "--resume", description = "Continue from DIR's checkpoint if there is one.") boolean resume;
    @Option(names = "--checkpoint-every", defaultValue = "250") long checkpointEvery;
    @Option(names = "--log-every", defaultValue = "25") long logEvery;
    @Option(names = "--heights", defaultValue = "360,540", split = ",",
            description = "Frame heights to train at (default ${DEFAULT-VALUE}).") List<Integer> heights;
    @Option(names = "--holdout", paramLabel = "NAME=SECONDS",
            description = "Leave the last SECONDS of the video called NAME out of training (for evaluation), "
                    + "e.g. --holdout solidWhiteRight.mp4=2.")
    Map<String, Double> holdout = new LinkedHashMap<>();
    @Option(names = "--every-nth", defaultValue = "1", description = "Use every n-th frame.") int everyNth;
    @Option(names = "--export-samples", paramLabel = "N", description = "Instead of training, write the first N "
            + "training crops (one per step, drawn as training draws them) to DIR/rainy, DIR/clean and DIR/mask for a "
            + "trainer elsewhere (models/src/main/python/train_gpu.py).") long exportSamples;
    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: one per core).") int threads;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(output);
        Path logFile = output.resolve("train.log");
        try (PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(logFile,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            Consumer<String> log = line -> {
                System.err.println("derain train: " + line);
                logWriter.println(java.time.Instant.now() + " " + line);
                logWriter.flush();
            };
            Natives.ensureLoaded(); // before the first torch call: a fresh machine's first run crashes otherwise
            if (threads > 0) torch.set_num_threads(threads);
            if (!(dropWeight >= 0)) throw new SettingsException("--drop-weight must not be negative, got " + dropWeight);
            TrainingSettings settings = new TrainingSettings(steps, batch, crop, learningRate, l1Weight, seed,
                    checkpointEvery, logEvery, dropWeight);
            TrainingCheckpoint checkpoint = new TrainingCheckpoint(output);
            GeneratorConfig config = resume && checkpoint.exists() ? checkpoint.config()
                    : GeneratorConfig.named(model).withResidual(residual);
            if (!(veil >= 0 && veil <= 0.9)) throw new SettingsException("--veil must be in [0, 0.9], got " + veil);
            if (!(veilLift >= GlassVeil.MIN_LIFT && veilLift <= 1)) throw new SettingsException("--veil-lift must be in [0.15, 1], got " + veilLift);
            if (!(dropScale > 0 && dropScale <= 1)) throw new SettingsException("--drop-scale must be in (0, 1], got " + dropScale);
            if (!(streaks >= 0 && streaks <= 0.3)) throw new SettingsException("--streaks must be in [0, 0.3], got " + streaks);
            if (!(dry >= 0 && dry <= 0.5)) throw new SettingsException("--dry must be in [0, 0.5], got " + dry);
            dropRenders(); // bad input before the footage is decoded
            glassSetup();
            torch.manual_seed(seed);
            List<CleanImage> images = new CleanFrameLoader(heights, holdout, everyNth, log).load(inputs);
            Map<String, String> notes = new LinkedHashMap<>();
            notes.put("training.data", inputs + " at heights " + heights + ", held out (s): " + holdout
                    + ", " + images.size() + " frames");
            notes.put("training.settings", settings + (colorJitter ? ", colour jitter" : "")
                    + (veil > 0 ? ", veil up to " + veil + " lifted up to " + veilLift : "") + (streaks > 0 ? ", streaks up to " + streaks : "")
                    + (dry > 0 ? ", " + dry + " of the samples dry" : "")
                    + (dropScale < 1 ? ", drops down to " + dropScale + "x in half the samples" : "")
                    + ", " + dropRenders().name().toLowerCase(java.util.Locale.ROOT) + " drops"
                    + (dropRenders() != DropRenders.HEURISTIC ? " on " + glassSetup().name().toLowerCase(java.util.Locale.ROOT) + " glass" : ""));
            if (exportSamples > 0) {
                try (SyntheticPairs data = pairs(images)) {
                    new SampleExport(output, 95).write(data, exportSamples, crop, log);
                }
                return 0;
            }
            try (AttentiveGenerator generator = new AttentiveGenerator(config);
                 SyntheticPairs data = pairs(images);
                 AdversarialTraining gan = adversarial ? new AdversarialTraining(learningRate) : null) {
                if (init != null && !(resume && checkpoint.exists())) initialise(generator, log);
                log.accept(String.format("training %s (%s) on %d frames: %s", config.name(), config, images.size(), settings));
                new Trainer(generator, data, settings, checkpoint, notes, log, gan).run(resume);
                log.accept("done: " + checkpoint.weightsFile());
            }
        }
        return 0;
    }

    /** The training draw, for training and for the export alike (so an export holds what training sees). */
    private SyntheticPairs pairs(List<CleanImage> images) {
        return new SyntheticPairs(images, seed, colorJitter, veil).withStreaks(streaks).withSmallerDrops(dropScale)
                .withDryShare(dry).withVeilLift(veilLift)
                .withDrops(dropRenders()).withGlass(glassSetup());
    }

    private GlassSetup glassSetup() {
        try {
            return GlassSetup.parse(glass);
        } catch (SettingsException e) {
            throw new SettingsException("--glass: expected plate, windshield or any, got '" + glass + "'");
        }
    }

    private DropRenders dropRenders() {
        try {
            return DropRenders.parse(drops);
        } catch (SettingsException e) {
            throw new SettingsException("--drops: " + e.getMessage());
        }
    }

    private void initialise(AttentiveGenerator generator, Consumer<String> log) {
        boolean fromResidual;
        if (init.equals("bundled")) {
            try (GeneratorModel bundled = ModelCatalog.bundled(generator.config().name());
                 StateDict weights = StateDict.of(bundled.generator(), "bundled")) {
                WeightLoader.load(generator, weights);
                fromResidual = bundled.generator().config().residual();
            }
        } else {
            try (StateDict weights = StateDict.read(Path.of(init))) {
                WeightLoader.load(generator, weights);
                GeneratorConfig c = GeneratorConfig.fromMetadata(weights.metadata());
                fromResidual = c != null && c.residual();
            }
        }
        if (generator.config().residual() && !fromResidual) {
            generator.zeroOutputs();
            log.accept("initialised from " + init + " (whole-image weights: output layers zeroed, starting as the identity)");
        } else {
            log.accept("initialised from " + init);
        }
    }
}
