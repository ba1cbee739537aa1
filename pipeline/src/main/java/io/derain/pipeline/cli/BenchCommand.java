package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.metrics.MemorySoak;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.runtime.FrameLimit;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StageStats;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
        try (DerainOperator operator = modelOptions.openOperator(compute)) {
            try {
                operator.checkFrameSize(info.width(), info.height());
            } catch (IllegalArgumentException e) {
                throw new InputException(input + ": " + e.getMessage());
            }
            if (soak > 0) {
                soak(operator, SoakClip.make(input, soak, info.frameRate(), dir.resolve("long.mp4")), dir.resolve("soak.mp4"));
                return 0;
            }
            ModelOnly modelOnly = modelOnly(operator);
            long rssAfterWarmup = modelOnly.rssAfterWarmup();
            JobReport endToEnd = pipeline(operator, dir.resolve("derained.mp4"));
            JobReport identity;
            try (IdentityOperator none = new IdentityOperator(compute.batch)) {
                identity = pipeline(none, dir.resolve("identity.mp4"));
            }
            FfmpegRun ffmpeg = ffmpeg(info, endToEnd.frames(), dir.resolve("ffmpeg.mp4"));
            long rssGrowth = ProcessMemory.rssBytes() - rssAfterWarmup; // before the broker's heap
            WorkerBench.Result workerRun = worker ? WorkerBench.run(input, frames, operator, compute.batch, dir) : null;
            Map<String, Object> result = result(operator, info, modelOnly, endToEnd, identity, ffmpeg,
                    ProcessMemory.peakRssBytes(), rssGrowth);
            if (workerRun != null) {
                result.put("worker_records_per_second", workerRun.recordsPerSecond());
                result.put("worker_records", workerRun.records());
                result.put("worker_seconds", workerRun.seconds());
                result.put("worker_commits", workerRun.commits());
                result.put("worker_over_end_to_end", ratio(workerRun.recordsPerSecond(), endToEnd.framesPerSecond()));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(result));
            } else {
                printText(out, result, modelOnly, endToEnd, identity, ffmpeg);
                if (workerRun != null) {
                    out.printf("  worker       %8.2f records/s  (%d records in %.2f s, %d transactions, batch %d; %s of end to end;"
                                    + " group join %.1f s not counted)%n", workerRun.recordsPerSecond(), workerRun.records(),
                            workerRun.seconds(), workerRun.commits(), workerRun.batch(),
                            percent(result.get("worker_over_end_to_end")), workerRun.joinSeconds());
                }
            }
            out.flush();
        } finally {
            deleteRecursively(dir);
        }
        return 0;
    }

    /** Times @param rssAfterWarmup resident memory once the model ran once (allocator pools filled). */
    private record ModelOnly(int frames, double seconds, int warmupFrames, long rssAfterWarmup) {
        double fps() { return seconds > 0 ? frames / seconds : 0; }
    }

    /** Decodes the frames into memory (kept: never recycled), warms up on one batch, then times the rest. */
    private ModelOnly modelOnly(FrameOperator operator) throws IOException {
        List<VideoFrame> decoded = new ArrayList<>();
        try (FrameSource source = Sources.open(input)) {
            MediaItem item;
            while (decoded.size() < frames && (item = source.next()) != null) {
                if (item instanceof VideoItem v) decoded.add(v.frame());
                else if (item instanceof AudioItem a) a.samples().close();
            }
        }
        int batch = operator.maxBatch();
        List<VideoFrame> warmup = decoded.subList(0, Math.min(batch, decoded.size()));
        operator.apply(warmup);
        long rss = ProcessMemory.rssBytes();
        long start = System.nanoTime();
        for (int i = 0; i < decoded.size(); i += batch) {
            operator.apply(decoded.subList(i, Math.min(i + batch, decoded.size())));
        }
        return new ModelOnly(decoded.size(), (System.nanoTime() - start) / 1e9, warmup.size(), rss);
    }

    private JobReport pipeline(FrameOperator operator, Path output) throws IOException {
        try (FrameSource source = Sources.open(input);
             FrameLimit limited = new FrameLimit(source, frames);
             FrameSink sink = new VideoFileSink(output, limited.info(), true)) {
            return new StagedPipeline(limited, operator, sink).run(ProgressListener.NONE);
        }
    }

    /** The soak: the pipeline over the {@code --soak}-frame clip, RSS sampled as frames are written. */
    private void soak(DerainOperator operator, Path clip, Path output) throws IOException {
        long warmup = Math.min(SOAK_WARMUP_FRAMES, soak);
        MemorySoak memory = new MemorySoak(warmup, SOAK_SAMPLE_EVERY);
        JobReport report;
        try (FrameSource source = Sources.open(clip);
             FrameLimit limited = new FrameLimit(source, soak);
             FrameSink sink = new VideoFileSink(output, limited.info(), true)) {
            report = new StagedPipeline(limited, operator, sink).run(memory);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", input.toString());
        r.put("operator", operator.describe());
        r.put("frames", report.frames());
        r.put("fps", report.framesPerSecond());
        r.put("warmup_frames", warmup);
        List<Map<String, Object>> samples = new ArrayList<>();
        for (MemorySoak.Sample s : memory.samples()) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("frames", s.frames());
            sample.put("rss_bytes", s.rssBytes());
            samples.add(sample);
        }
        r.put("rss_samples", samples);
        r.put("rss_growth_bytes", memory.growthBytes());
        r.put("rss_max_growth_bytes", memory.maxGrowthBytes());
        r.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(r));
        } else {
            out.printf("derain bench --soak: %s repeated to one long clip, %d frames end to end at %.2f fps, %s%n", input, report.frames(),
                    report.framesPerSecond(), operator.describe());
            for (MemorySoak.Sample s : memory.samples()) {
                out.printf("  after %6d frames  RSS %7.1f MiB%n", s.frames(), s.rssBytes() / 1048576.0);
            }
            out.printf("  RSS growth after warm-up: %+.1f MiB at the end, %+.1f MiB at most; peak RSS %.0f MiB%n",
                    memory.growthBytes() / 1048576.0, memory.maxGrowthBytes() / 1048576.0,
                    ProcessMemory.peakRssBytes() / 1048576.0);
        }
        out.flush();
    }

    /** The ffmpeg run: its command line, wall time and outcome. */
    private record FfmpegRun(List<String> command, double seconds, long frames, String error) {
        double fps() { return error == null && seconds > 0 ? frames / seconds : 0; }
    }

    /**
     * The bundled ffmpeg doing what the identity pipeline does: decode, convert to BGR24 and back with the
     * same swscale flags, encode with VideoFileSink's openh264 settings and bit rate, audio to AAC.
     */
    private FfmpegRun ffmpeg(SourceInfo info, long frameCount, Path output) {
        List<String> command = new ArrayList<>();
        String error = null;
        try {
            command.add(BundledFfmpeg.path());
        } catch (IOException | RuntimeException e) {
            command.add("ffmpeg");
            error = "the bundled ffmpeg cannot run: " + e.getMessage();
        }
        double fps = info.frameRate();
        long pixels = (long) (info.width() & ~1) * (info.height() & ~1);
        long bitrate = Math.max(200_000, Math.min(Math.round(pixels * fps * VideoFileSink.DEFAULT_BITS_PER_PIXEL), 100_000_000));
        command.addAll(List.of("-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", input.toAbsolutePath().toString(),
                "-frames:v", Long.toString(frameCount), "-t", String.format(Locale.ROOT, "%.6f", frameCount / fps),
                "-sws_flags", "bicubic+accurate_rnd+full_chroma_int+full_chroma_inp",
                "-vf", String.format("crop=%d:%d:0:0,format=bgr24,format=yuv420p", info.width() & ~1, info.height() & ~1),
                "-c:v", "libopenh264", "-profile:v", "high", "-coder", "cabac", "-rc_mode", "quality",
                "-allow_skip_frames", "0", "-b:v", Long.toString(bitrate), "-g", Long.toString(Math.max(1, Math.round(fps * 2)))));
        if (info.hasAudio()) {
            int channels = info.audio().channels();
            int audioBitrate = Math.min(Math.max(info.audio().bitrate(), 64_000 * channels), 512_000);
            command.addAll(List.of("-c:a", "aac", "-b:a", Integer.toString(audioBitrate)));
        }
        command.addAll(List.of("-movflags", "+faststart", output.toString()));
        if (error != null) return new FfmpegRun(command, 0, 0, error);
        try {
            long start = System.nanoTime();
            BundledFfmpeg.Result r = BundledFfmpeg.run(command);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new FfmpegRun(command, seconds, frameCount,
                    r.exitCode() == 0 ? null : "exit " + r.exitCode() + ": " + ErrorReporter.oneLine(new Exception(r.log())));
        } catch (IOException e) {
            return new FfmpegRun(command, 0, 0, e.getMessage());
        }
    }

    private Map<String, Object> result(DerainOperator operator, SourceInfo info, ModelOnly modelOnly, JobReport endToEnd,
                                       JobReport identity, FfmpegRun ffmpeg, long peakRss, long rssGrowth) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", input.toString());
        r.put("width", info.width());
        r.put("height", info.height());
        r.put("frames", modelOnly.frames());
        r.put("operator", operator.describe());
        r.put("batch", operator.maxBatch());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("cpu", io.derain.operators.derain.CpuFeatures.host().describe());
        r.put("allocator", ProcessMemory.allocator());
        r.put("model_only_fps", modelOnly.fps());
        r.put("model_only_seconds", modelOnly.seconds());
        r.put("end_to_end_fps", endToEnd.framesPerSecond());
        r.put("end_to_end_seconds", endToEnd.seconds());
        r.put("end_to_end_stages", stages(endToEnd));
        r.put("identity_fps", identity.framesPerSecond());
        r.put("identity_seconds", identity.seconds());
        r.put("identity_stages", stages(identity));
        r.put("ffmpeg_fps", ffmpeg.fps());
        r.put("ffmpeg_seconds", ffmpeg.seconds());
        r.put("ffmpeg_command", String.join(" ", ffmpeg.command()));
        if (ffmpeg.error() != null) r.put("ffmpeg_error", ffmpeg.error());
        r.put("end_to_end_over_model_only", ratio(endToEnd.framesPerSecond(), modelOnly.fps()));
        r.put("identity_over_ffmpeg", ratio(identity.framesPerSecond(), ffmpeg.fps()));
        r.put("peak_rss_bytes", peakRss);
        r.put("rss_growth_after_warmup_bytes", rssGrowth);
        return r;
    }

    private static List<Map<String, Object>> stages(JobReport report) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (StageStats s : report.stages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", s.name());
            m.put("count", s.count());
            m.put("busy_seconds", s.busySeconds());
            m.put("utilisation", s.utilisation());
            if (s.inputQueue() != null) {
                m.put("queue", s.inputQueue().name());
                m.put("queue_capacity", s.inputQueue().capacity());
                m.put("queue_mean_depth", s.inputQueue().meanDepth());
                m.put("queue_max_depth", s.inputQueue().maxDepth());
            }
            list.add(m);
        }
        return list;
    }

    private static Double ratio(double a, double b) {
        return b > 0 ? a / b : null;
    }

    private void printText(PrintWriter out, Map<String, Object> r, ModelOnly modelOnly, JobReport endToEnd,
                           JobReport identity, FfmpegRun ffmpeg) {
        out.printf("derain bench: %s, %sx%s, %d frames, %s, %d cores of %s, %s%n", r.get("input"), r.get("width"),
                r.get("height"), modelOnly.frames(), r.get("operator"), r.get("cores"), r.get("cpu"), r.get("allocator"));
        out.printf("  model only   %8.2f fps  (%.2f s, after a warm-up batch of %d)%n", modelOnly.fps(),
                modelOnly.seconds(), modelOnly.warmupFrames());
        out.printf("  end to end   %8.2f fps  (%.2f s; %s of model only)%n", endToEnd.framesPerSecond(),
                endToEnd.seconds(), percent(r.get("end_to_end_over_model_only")));
        printStages(out, endToEnd);
        out.printf("  identity     %8.2f fps  (%.2f s; decode + encode, no model)%n", identity.framesPerSecond(),
                identity.seconds());
        printStages(out, identity);
        if (ffmpeg.error() == null) {
            out.printf("  ffmpeg       %8.2f fps  (%.2f s; identity runs at %s of ffmpeg's rate)%n", ffmpeg.fps(),
                    ffmpeg.seconds(), percent(r.get("identity_over_ffmpeg")));
        } else {
            out.printf("  ffmpeg       failed: %s%n", ffmpeg.error());
        }
        out.printf("    %s%n", String.join(" ", ffmpeg.command()));
        out.printf("  memory: peak RSS %.0f MiB, RSS growth after warm-up %+.1f MiB%n",
                ((Number) r.get("peak_rss_bytes")).longValue() / 1048576.0,
                ((Number) r.get("rss_growth_after_warmup_bytes")).longValue() / 1048576.0);
    }

    private static void printStages(PrintWriter out, JobReport report) {
        for (StageStats s : report.stages()) {
            out.printf("    %-7s busy %6.2f s (%3.0f%%)", s.name(), s.busySeconds(), 100 * s.utilisation());
            if (s.inputQueue() != null) {
                out.printf(", %s queue mean %.1f max %d of %d", s.inputQueue().name(), s.inputQueue().meanDepth(),
                        s.inputQueue().maxDepth(), s.inputQueue().capacity());
            }
            out.println();
        }
    }

    private static String percent(Object ratio) {
        return ratio == null ? "n/a" : String.format("%.0f%%", 100 * ((Number) ratio).doubleValue());
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /** Just enough JSON for the report: maps, lists, strings, numbers, booleans and null. */
    static final class Json {
        private Json() {}

        static String write(Object value) {
            StringBuilder sb = new StringBuilder();
            write(sb, value);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object value) {
            if (value == null) {
                sb.append("null");
            } else if (value instanceof Map<?, ?> map) {
                sb.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(sep);
                    string(sb, e.getKey().toString());
                    sb.append(':');
                    write(sb, e.getValue());
                    sep = ",";
                }
                sb.append('}');
            } else if (value instanceof List<?> list) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) sb.append(',');
                    write(sb, list.get(i));
                }
                sb.append(']');
            } else if (value instanceof Double d) {
                sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", d));
            } else if (value instanceof Number || value instanceof Boolean) {
                sb.append(value);
            } else {
                string(sb, value.toString());
            }
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            sb.append('"');
        }
    }
}
