package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.benchmark.FfmpegBaseline;
import io.derain.pipeline.benchmark.ModelTiming;
import io.derain.pipeline.benchmark.ReportJson;
import io.derain.pipeline.benchmark.SoakClip;
import io.derain.pipeline.benchmark.SoakReport;
import io.derain.pipeline.benchmark.ThroughputReport;
import io.derain.pipeline.benchmark.WorkerBench;
import io.derain.pipeline.metrics.MemorySoak;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.runtime.FrameLimit;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code derain bench INPUT}: where the time goes. Measures, on the first {@code --frames} frames of INPUT,
 * the model alone (frames already decoded, after a warm-up batch), the staged pipeline end to end into a
 * temporary mp4, the same pipeline without a model (decode + encode), and the {@code ffmpeg} command that
 * does that decode + encode with VideoFileSink's encoder settings; then per-stage busy time and memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures throughput: model only, end to end, decode + encode without a model, and the "
                + "ffmpeg command line doing the same decode + encode, with per-stage busy time and memory.",
                "Outputs go to a temporary directory that is removed afterwards."})
final class BenchCommand implements Callable<Integer> {
    private static final long SOAK_WARMUP_FRAMES = 100;
    private static final long SOAK_SAMPLE_EVERY = 100;

    @Parameters(index = "0", paramLabel = "INPUT", description = "A video file.")
    Path input;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "50",
            description = "Frames to measure on, from the start of INPUT (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--json", description = "One JSON object on stdout instead of the text report.")
    boolean json;

    @Option(names = "--soak", paramLabel = "N",
            description = "Instead: a memory soak. Repeats INPUT into an N-frame clip (stream copy), streams it end to end and "
                    + "reports resident memory every 100 frames after a warm-up of 100, and its growth.")
    long soak;

    @Option(names = "--worker",
            description = "Also: the same frames and model through derain worker (published to a broker in this process, "
                    + "derained with a transaction per batch), its records/s beside the file pipeline's fps.")
    boolean worker;

    @Option(names = "--serve", paramLabel = "N",
            description = "Instead: N cameras in one 'derain serve' against N 'derain run' processes, each deraining all of "
                    + "INPUT with --model and --batch: total frames/s (wall time from launch, start-up included) and total "
                    + "peak RSS, side by side.")
    int serve;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (frames < 1) throw new SettingsException("--frames must be at least 1");
        SourceInfo info;
        try (FrameSource probe = Sources.open(input)) {
            info = probe.info();
        }
        if (!(info.frameRate() > 0)) throw new InputException(input + ": not a video (bench measures video)");
        Path dir = Files.createTempDirectory("derain-bench");
        PrintWriter out = spec.commandLine().getOut();
        if (serve != 0) {
            try {
                String model = modelOptions.weights != null ? modelOptions.weights.toString() : modelOptions.model;
                new ServeBench(input, model, compute.batch, dir).run(serve, out);
            } finally {
                TempDirectory.delete(dir);
            }
            return 0;
        }
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            try {
                operator.checkFrameSize(info.width(), info.height());
            } catch (SettingsException e) {
                throw new InputException(input + ": " + e.getMessage());
            }
            if (soak > 0) {
                SoakReport report = soak(operator, SoakClip.make(input, soak, info.frameRate(), dir.resolve("long.mp4")),
                        dir.resolve("soak.mp4"));
                if (json) out.println(ReportJson.write(report.toMap()));
                else report.printText(out);
                return 0;
            }
            ModelTiming modelOnly = ModelTiming.measure(input, frames, operator);
            JobReport endToEnd = pipeline(operator, dir.resolve("derained.mp4"));
            JobReport identity;
            try (IdentityOperator none = new IdentityOperator(compute.batch)) {
                identity = pipeline(none, dir.resolve("identity.mp4"));
            }
            FfmpegBaseline ffmpeg = FfmpegBaseline.run(input, info, endToEnd.frames(), dir.resolve("ffmpeg.mp4"));
            long rssGrowth = ProcessMemory.rssBytes() - modelOnly.rssAfterWarmup(); // before the broker's heap
            WorkerBench.Result workerRun = worker ? WorkerBench.run(input, frames, operator, compute.batch, dir) : null;
            ThroughputReport report = new ThroughputReport(input.toString(), info, operator.describe(), operator.maxBatch(),
                    modelOnly, endToEnd, identity, ffmpeg, ProcessMemory.peakRssBytes(), rssGrowth, workerRun);
            if (json) out.println(ReportJson.write(report.toMap()));
            else report.printText(out);
        } finally {
            out.flush();
            TempDirectory.delete(dir);
        }
        return 0;
    }

    private JobReport pipeline(FrameOperator operator, Path output) throws IOException {
        try (FrameSource source = Sources.open(input);
             FrameLimit limited = new FrameLimit(source, frames);
             FrameSink sink = new VideoFileSink(output, limited.info(), true)) {
            return new StagedPipeline(limited, operator, sink).run(ProgressListener.NONE);
        }
    }

    /** The pipeline over the {@code --soak}-frame clip, RSS sampled as frames are written. */
    private SoakReport soak(DerainOperator operator, Path clip, Path output) throws IOException {
        long warmup = Math.min(SOAK_WARMUP_FRAMES, soak);
        MemorySoak memory = new MemorySoak(warmup, SOAK_SAMPLE_EVERY);
        try (FrameSource source = Sources.open(clip);
             FrameLimit limited = new FrameLimit(source, soak);
             FrameSink sink = new VideoFileSink(output, limited.info(), true)) {
            JobReport report = new StagedPipeline(limited, operator, sink).run(memory);
            return new SoakReport(input.toString(), operator.describe(), report, memory, warmup);
        }
    }
}
