package io.derain.pipeline.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;

/**
 * The {@code ffmpeg} executable of the bytedeco artifact, unpacked into JavaCPP's cache: the same FFmpeg
 * build, with the same encoders, as the one the pipeline links. Not found through
 * {@code Loader.load(ffmpeg.class)}: that also loads the JNI of libavdevice, which this build lacks.
 */
final class BundledFfmpeg {
    private BundledFfmpeg() {}

    /** The executable's path, checked to start. */
    static String path() throws IOException {
        File exe = Loader.cacheResource(org.bytedeco.ffmpeg.ffmpeg.class, Loader.getPlatform() + "/ffmpeg");
        if (exe == null) throw new IOException("not in the ffmpeg artifact for " + Loader.getPlatform());
        if (!exe.canExecute() && !exe.setExecutable(true)) throw new IOException(exe + " is not executable");
        // It links libpulse (for libavdevice), which a server may lack: say so rather than fail later.
        Result version = run(List.of(exe.getAbsolutePath(), "-hide_banner", "-version"));
        if (version.exitCode() != 0) {
            throw new IOException(version.log().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + version.exitCode())
                    + (version.log().contains("libpulse") ? " (Debian: apt-get install libpulse0)" : ""));
        }
        return exe.getAbsolutePath();
    }

    /** What a run printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String log) {}

    /** Runs {@code command} (the executable first) to its end. */
    static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            return new Result(p.waitFor(), log);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
