package io.derain.pipeline.benchmark;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * The {@code ffmpeg} executable of the bytedeco artifact, unpacked into JavaCPP's cache: the same FFmpeg
 * build, with the same encoders, as the one the pipeline links. Not found through
 * {@code Loader.load(ffmpeg.class)}: that also loads the JNI of libavdevice, which this build lacks.
 */
public final class BundledFfmpeg {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private BundledFfmpeg() {}

    /** The executable's path, checked to start. */
    public static String path() throws IOException {
        File exe = Loader.cacheResource(org.bytedeco.ffmpeg.ffmpeg.class, Loader.getPlatform() + "/ffmpeg");
        if (exe == null) throw new IOException("not in the ffmpeg artifact for " + Loader.getPlatform());
        if (!exe.canExecute() && !exe.setExecutable(true)) throw new IOException(exe + " is not executable");
        // It links libpulse (for libavdevice), which a server may lack: say so rather than fail later.
        Result version = run(List.of(exe.getAbsolutePath(), "-hide_banner", "-version"), VERSION_TIMEOUT);
        if (version.exitCode() != 0) {
            throw new IOException(version.log().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + version.exitCode())
                    + (version.log().contains("libpulse") ? " (Debian: apt-get install libpulse0)" : ""));
        }
        return exe.getAbsolutePath();
    }

    /** What a run printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String log) {}

    /**
     * Runs {@code command} (the executable first) to its end, or kills it after {@code timeout} and throws.
     * Its output goes to a temporary file, so a chatty run cannot block on a full pipe.
     */
    public static Result run(List<String> command, Duration timeout) throws IOException {
        Path log = Files.createTempFile("derain-ffmpeg", ".log");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new IOException("ffmpeg did not finish within " + timeout.toSeconds() + " s: " + String.join(" ", command));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
