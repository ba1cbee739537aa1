package io.derain.pipeline.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.derain.pipeline.live.RtspCamera;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's system test: {@code samples/fleet/fault-run.sh} (the local twin: {@code derain broker}, two
 * gst-rtsp-server cameras, two ingests, two workers) for three minutes of video while a worker is killed
 * with SIGKILL, the broker restarts and a camera's RTSP server restarts; then {@code derain audit} must find
 * every captured frame derained exactly once, in order. The script runs this build's classes (not the
 * launcher, which would start a second Maven in this tree). About 3 minutes; tag {@code system}.
 */
@Tag("system")
class FleetFaultTest {
    private static final Path ROOT = TestMedia.repoRoot();
    private static final Path SCRIPT = ROOT.resolve("samples/fleet/fault-run.sh");

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void twoCamerasTwoWorkersThroughAWorkerKillABrokerRestartAndACameraRestartLoseAndRepeatNothing(@TempDir Path dir)
            throws Exception {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
        String derain = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx3g -cp "
                + System.getProperty("java.class.path") + " io.derain.pipeline.cli.DerainCli";
        Path log = dir.resolve("fault-run.log");
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "--seconds", "180", "--dir", dir.resolve("run").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DERAIN", derain);
        Process run = pb.start();
        if (!run.waitFor(14, TimeUnit.MINUTES)) {
            run.destroy(); // SIGTERM: the script stops the fleet
            run.waitFor(60, TimeUnit.SECONDS);
            run.destroyForcibly();
            throw new AssertionError("fault-run.sh did not finish within 14 minutes:\n" + Files.readString(log));
        }
        String report = Files.readString(log);
        System.out.println(report);
        assertEquals(0, run.exitValue(), "the audit found problems or the fleet failed:\n" + report);
        assertTrue(report.contains("derain audit: clean: 2 cameras, lost 0, duplicates 0, out of order 0"), report);
        for (String camera : new String[] {"cam1", "cam2"}) {
            Matcher m = Pattern.compile("(?m)^  " + camera + " +input +(\\d+) +derained +(\\d+)").matcher(report);
            assertTrue(m.find(), "no audit line for " + camera + ":\n" + report);
            // 180 s at 0.5 fps is 90 frames; the camera restart and start-up cost a few.
            assertTrue(Integer.parseInt(m.group(1)) >= 70, camera + " captured too few frames:\n" + report);
        }
        Matcher reconnects = Pattern.compile("(?m)^cam1 ingest: .*reconnects (\\d+)").matcher(report);
        assertTrue(reconnects.find() && Integer.parseInt(reconnects.group(1)) >= 1, "cam1's ingest reconnected after its camera restarted:\n" + report);
    }
}
