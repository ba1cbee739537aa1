package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.synthesis.DropMask;
import io.derain.models.synthesis.GlassSetup;
import io.derain.models.synthesis.GlassVeil;
import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainStyle;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import io.derain.pipeline.source.TappedSource;
import io.derain.pipeline.source.TimeWindow;
import io.derain.pipeline.source.WindowedSource;
import io.derain.pipeline.synthesis.RainOperator;
import io.derain.pipeline.synthesis.RainyVideoSink;
import io.derain.pipeline.synthesis.SynthesisSink;
import io.derain.pipeline.synthesis.SynthesisSinks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code derain synth INPUT -o OUTPUT}: makes clean footage rainy, with exact drop masks. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Makes clean footage rainy, with exact drop masks: training/evaluation pairs or a rainy video.",
                "Uses the project's raindrop simulation: drops land, grow, merge and run down across frames "
                        + "(one simulation per job), refracting the scene.",
                "OUTPUT a directory (or a name without extension): pairs for training and 'derain eval', "
                        + "OUTPUT/rainy/00000.png, OUTPUT/clean/00000.png, OUTPUT/mask/00000.png (0/255).",
                "OUTPUT a video (mp4, mkv, mov, m4v): the rainy video, audio kept, plus its masks in "
                        + "<name>.masks/00000.png.",
                "The same input, options and seed give identical outputs. Outputs appear only when complete."})
final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "Clean video, image, or directory of images.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT",
            description = "Pairs directory, or a video file.")
    Path output;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Random seed of the rain (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--style", paramLabel = "lens|windshield|mixed|optical", defaultValue = "mixed",
            description = "Look of the drops: lens (soft, out of focus), windshield (sharp, in focus) or both, the "
                    + "heuristic looks; or optical: spherical caps on glass, ray traced and defocused by the lens "
                    + "(see --glass) (default: ${DEFAULT-VALUE}).")
    String style;

    @Option(names = "--glass", paramLabel = "plate|windshield|any", defaultValue = "any",
            description = "With --style optical: the glass, one geometry drawn per job from measured ranges: plate (a "
                    + "camera focused on the scene behind a glass plate a few cm away, as in Qian et al.'s photos), "
                    + "windshield (a wide-angle dashcam behind tilted glass) or any (either; default).")
    String glass;

    @Option(names = "--drop-size", paramLabel = "K",
            description = "Draw drops K times the style's sizes (0.2..5; default 1), at the same density: fewer, larger "
                    + "drops above 1.")
    Double dropSize;

    @Option(names = "--density", paramLabel = "D",
            description = "Fraction of the frame area the drops aim to cover, 0..0.9 (0.1 light, 0.2 moderate, "
                    + "0.5 heavy rain); default per style: lens 0.30, windshield 0.16, mixed 0.24, optical 0.35.")
    Double density;

    @Option(names = "--from", paramLabel = "SECONDS",
            description = "Start this far into the video (frames before are not written).")
    Double from;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "With --from: stop after this long.")
    Double duration;

    @Option(names = "--last", paramLabel = "SECONDS", description = "Only the final SECONDS of the video.")
    Double last;

    @Option(names = "--mask", paramLabel = "drops|altered", defaultValue = "drops",
            description = "Which pixels the masks mark: drops (at least half covered by a drop, what the "
                    + "attention map learns; default) or altered (every pixel a drop changes, faint fringes included).")
    String mask;

    @Option(names = "--veil", paramLabel = "V",
            description = "Strength of the wet-glass veil over the whole frame (0..0.9: the haze and loss of "
                    + "contrast of wet glass; 0 none; default per style: lens 0.18, windshield 0.08, mixed 0.14, "
                    + "optical 0.12; none with --mask altered).")
    Double veil;

    @Option(names = "--veil-lift", paramLabel = "L",
            description = "The veil's airlight is lifted 0.15 to L of full scale above the frame's mean (0.15..1; "
                    + "default 0.45; 0.8 covers the veils measured on the real pairs).")
    Double veilLift;

    @Option(names = "--streaks", paramLabel = "D", defaultValue = "0",
            description = "Also falling rain: thin motion-blurred streaks covering about D of the frame (0..0.3: "
                    + "0.02 drizzle, 0.05 rain, 0.12 a downpour), new every frame, behind the drops (default: none).")
    double streaks;

    @Option(names = {"-y", "--overwrite"}, description = "Replace OUTPUT (and a video's masks) if they exist.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        RainSettings settings = settings();
        TimeWindow window = window();
        PrintWriter err = spec.commandLine().getErr();
        try (FrameSource windowed = WindowedSource.of(Sources.open(input), window);
             RainOperator rain = new RainOperator(settings, seed, glassSetup(settings), DropMask.parse(mask));
             SynthesisSink sink = SynthesisSinks.open(output, windowed.info(), overwrite);
             ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null)) {
            // The tap sees each frame before the rain is drawn on it in place: the clean half of a pair.
            FrameSource source = new TappedSource(windowed, sink::writeClean);
            JobReport report = new StagedPipeline(source, rain, sink).run(quiet ? ProgressListener.NONE : progress);
            if (!quiet) {
                if (rain.glass() != null) err.println("derain synth: glass " + rain.glass().describe());
                String masks = sink instanceof RainyVideoSink ? " (masks in " + RainyVideoSink.masksDirectory(output) + ")" : "";
                err.printf(Locale.ROOT, "derain synth: wrote %s%s: %d frames of %s rain (density %.2f, veil %.2f, streaks %.2f, seed %d) in %.1f s%n",
                        output, masks, report.frames(), settings.style().name().toLowerCase(Locale.ROOT),
                        settings.coverage(), settings.veil(), settings.streaks(), seed, report.seconds());
                err.flush();
            }
        }
        return 0;
    }

    private RainSettings settings() {
        RainStyle look;
        try {
            look = RainStyle.valueOf(style.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("--style: expected lens, windshield, mixed or optical, got '" + style + "'");
        }
        RainSettings settings = RainSettings.defaults(look);
        if (density != null) {
            if (!(density >= 0 && density <= 0.9)) {
                throw new SettingsException("--density must be between 0 and 0.9, got " + density);
            }
            settings = settings.withCoverage(density);
        }
        if (dropSize != null) {
            if (!(dropSize >= 0.2 && dropSize <= 5)) throw new SettingsException("--drop-size must be between 0.2 and 5, got " + dropSize);
            settings = settings.withRadii(settings.minRadius() * dropSize, settings.maxRadius() * dropSize);
        }
        boolean altered = DropMask.parse(mask) == DropMask.ALTERED;
        if (!(streaks >= 0 && streaks <= 0.3)) throw new SettingsException("--streaks must be between 0 and 0.3, got " + streaks);
        if (altered && streaks > 0) {
            throw new SettingsException("--mask altered marks every pixel that differs from the clean frame, and streaks "
                    + "alter pixels outside the drops: leave --streaks out with it");
        }
        settings = settings.withStreaks(streaks);
        if (veil != null) {
            if (!(veil >= 0 && veil <= 0.9)) throw new SettingsException("--veil must be between 0 and 0.9, got " + veil);
            if (altered && veil > 0) {
                throw new SettingsException("--mask altered marks every pixel that differs from the clean frame, and a "
                        + "veil alters them all: give --veil 0 with it");
            }
            settings = settings.withVeil(veil);
        } else if (altered) {
            settings = settings.withVeil(0);
        }
        if (veilLift != null) {
            if (!(veilLift >= GlassVeil.MIN_LIFT && veilLift <= 1)) throw new SettingsException("--veil-lift must be between 0.15 and 1, got " + veilLift);
            settings = settings.withVeilLift(veilLift);
        }
        return settings;
    }

    private GlassSetup glassSetup(RainSettings settings) {
        GlassSetup setup;
        try {
            setup = GlassSetup.parse(glass);
        } catch (SettingsException e) {
            throw new SettingsException("--" + e.getMessage());
        }
        if (settings.style() != RainStyle.OPTICAL && setup != GlassSetup.ANY) {
            throw new SettingsException("--glass applies to --style optical only");
        }
        return setup;
    }

    private TimeWindow window() {
        if (last != null && (from != null || duration != null)) {
            throw new SettingsException("--last cannot be combined with --from or --duration");
        }
        if (last != null) {
            if (!(last > 0)) throw new SettingsException("--last must be positive, got " + last);
            return TimeWindow.last(last);
        }
        if (from == null && duration == null) return TimeWindow.ALL;
        double start = from == null ? 0 : from;
        if (!(start >= 0)) throw new SettingsException("--from must not be negative, got " + start);
        if (duration != null && !(duration > 0)) throw new SettingsException("--duration must be positive, got " + duration);
        return TimeWindow.from(start, duration == null ? Double.POSITIVE_INFINITY : duration);
    }
}
