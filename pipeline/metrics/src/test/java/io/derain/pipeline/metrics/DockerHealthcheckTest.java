package io.derain.pipeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Docker image's HEALTHCHECK script, taken from the Dockerfile, against a real {@link MetricsServer}. */
@Timeout(60)
class DockerHealthcheckTest {
    @TempDir
    Path dir;

    @Test
    void healthyOnlyWhileHealthzAnswers200() throws Exception {
        String dockerfile = Files.readString(TestMedia.repoRoot().resolve("Dockerfile"));
        int start = dockerfile.indexOf("COPY <<'SH' /usr/local/bin/derain-healthcheck\n");
        assertTrue(start >= 0, "the Dockerfile installs derain-healthcheck");
        int body = dockerfile.indexOf('\n', start) + 1;
        Path script = Files.writeString(dir.resolve("derain-healthcheck"), dockerfile.substring(body, dockerfile.indexOf("\nSH\n", body) + 1));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("CMD [\"/usr/local/bin/derain-healthcheck\"]"));

        AtomicReference<String> problem = new AtomicReference<>();
        int closedPort;
        try (MetricsServer server = MetricsServer.start(0)) {
            String port = Integer.toString(server.port());
            assertEquals(0, check(script, port), "healthz answers 200 from the start");
            server.probe("/healthz", problem::get);
            problem.set("inference stalled for over 30000 ms");
            assertEquals(1, check(script, port), "503 is unhealthy");
            problem.set(null);
            assertEquals(0, check(script, port));
            closedPort = server.port();
        }
        assertEquals(1, check(script, Integer.toString(closedPort)), "a port that was asked for must answer");
        assertEquals(0, check(script, null), "a command without an HTTP port has nothing to ask");
    }

    /** The script's exit status with DERAIN_HEALTH_PORT set to {@code port} (unset for null, on a closed 9464 here). */
    private static int check(Path script, String port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().remove("DERAIN_HEALTH_PORT");
        if (port != null) pb.environment().put("DERAIN_HEALTH_PORT", port);
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the check ends within 20 s");
        return p.exitValue();
    }
}
