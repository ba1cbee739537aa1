package io.derain.pipeline.benchmark;

import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bundled ffmpeg doing what the pipeline without a model does: decode, convert to BGR24 and back with the
 * same swscale flags, encode with VideoFileSink's openh264 settings and bit rate, audio to AAC. The yardstick
 * for the pipeline's own decode + encode.
 *
 * @param error why it could not run or failed, or {@code null}
 */
public record FfmpegBaseline(List<String> command, double seconds, long frames, String error) {
    /** Bounds a stuck ffmpeg only: a bench clip takes seconds. */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    public double fps() { return error == null && seconds > 0 ? frames / seconds : 0; }

    /** Runs it on the first {@code frames} frames of {@code input} into {@code output}. */
    public static FfmpegBaseline run(Path input, SourceInfo info, long frames, Path output) {
        List<String> command = new ArrayList<>();
        String error = null;
        try {
            command.add(BundledFfmpeg.path());
        } catch (IOException | RuntimeException e) {
            command.add("ffmpeg");
            error = "the bundled ffmpeg cannot run: " + e.getMessage();
        }
        command.addAll(arguments(input, info, frames, output));
        if (error != null) return new FfmpegBaseline(command, 0, 0, error);
        try {
            long start = System.nanoTime();
            BundledFfmpeg.Result r = BundledFfmpeg.run(command, TIMEOUT);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new FfmpegBaseline(command, seconds, frames, r.exitCode() == 0 ? null
                    : "exit " + r.exitCode() + ": " + r.log().lines().filter(l -> !l.isBlank()).findFirst().orElse(""));
        } catch (IOException e) {
            return new FfmpegBaseline(command, 0, 0, e.getMessage());
        }
    }

    private static List<String> arguments(Path input, SourceInfo info, long frames, Path output) {
        double fps = info.frameRate();
        long pixels = (long) (info.width() & ~1) * (info.height() & ~1);
        long bitrate = Math.max(200_000, Math.min(Math.round(pixels * fps * VideoFileSink.DEFAULT_BITS_PER_PIXEL), 100_000_000));
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-i", input.toAbsolutePath().toString(),
                "-frames:v", Long.toString(frames), "-t", String.format(Locale.ROOT, "%.6f", frames / fps),
                "-sws_flags", "bicubic+accurate_rnd+full_chroma_int+full_chroma_inp",
                "-vf", String.format("crop=%d:%d:0:0,format=bgr24,format=yuv420p", info.width() & ~1, info.height() & ~1),
                "-c:v", "libopenh264", "-profile:v", "high", "-coder", "cabac", "-rc_mode", "quality",
                "-allow_skip_frames", "0", "-b:v", Long.toString(bitrate), "-g", Long.toString(Math.max(1, Math.round(fps * 2)))));
        if (info.hasAudio()) {
            int channels = info.audio().channels();
            int audioBitrate = Math.min(Math.max(info.audio().bitrate(), 64_000 * channels), 512_000);
            args.addAll(List.of("-c:a", "aac", "-b:a", Integer.toString(audioBitrate)));
        }
        args.addAll(List.of("-movflags", "+faststart", output.toString()));
        return args;
    }
}
