package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.sink.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheDocumentedSchema() throws Exception {
        Path file = dir.resolve("cameras.yaml");
        Files.writeString(file, """
                model: lite
                batch: 4
                max-wait: 80ms
                cameras:
                  - id: cam1
                    input: rtsp://127.0.0.1:8554/cam1
                    output: rec/cam1-%Y%m%d-%H%M%S.mp4
                    segment: 60s
                    fps: 5
                    retain: {max-age: 7d, max-size: 50GiB, min-free: 500MB}
                  - id: cam2
                    input: clip.mp4
                    output: out.mp4
                    max-latency: 2s
                """);
        ServeConfig c = ServeConfigFile.read(file);
        assertEquals("lite", c.model());
        assertEquals(4, c.batch());
        assertEquals(Duration.ofMillis(80), c.maxWait());
        assertEquals(2, c.cameras().size());
        CameraConfig cam1 = c.cameras().get(0), cam2 = c.cameras().get(1);
        assertEquals(Duration.ofSeconds(60), cam1.segment());
        assertEquals(5.0, cam1.fps());
        assertEquals(Duration.ofSeconds(1), cam1.maxLatency(), "the default");
        assertEquals(Retention.builder().maxAge(Duration.ofDays(7)).maxBytes(50L << 30).minFreeBytes(500_000_000L).build(), cam1.retain());
        assertNull(cam2.segment());
        assertEquals(Retention.NONE, cam2.retain(), "the default keeps everything");
        assertEquals(Duration.ofSeconds(2), cam2.maxLatency());
    }

    @Test
    void eachMistakeIsOneLineNamingTheFileAndTheKey() throws Exception {
        assertProblem("cameras: []\nbatch: 0\n", "batch: must be between 1 and 64");
        assertProblem("cameras:\n  - id: a\n    input: x.mp4\n    output: y.mp4\n    fsp: 5\n", "cameras[0].fsp: unknown key");
        assertProblem("cameras:\n  - id: a\n    input: x.mp4\n", "cameras[0].output: missing");
        assertProblem("cameras:\n  - {id: a, input: x.mp4, output: y.mp4}\n  - {id: a, input: z.mp4, output: w.mp4}\n",
                "the id 'a' is used twice");
        assertProblem("cameras:\n  - {id: a, input: x.mp4, output: y.mp4, segment: soon}\n", "cameras[0].segment: expected a duration");
        assertProblem("model: lite\ncameras: [\n", "not valid YAML");
        assertProblem("cameras:\n  - {id: a, input: x.mp4, output: y.mp4, segment: 60s, retain: {max-size: lots}}\n",
                "cameras[0].retain.max-size: expected a size like");
        assertProblem("cameras:\n  - {id: a, input: x.mp4, output: y.mp4, segment: 60s, retain: {max-sise: 1GiB}}\n",
                "cameras[0].retain.max-sise: unknown key");
        assertProblem("cameras:\n  - {id: a, input: x.mp4, output: y.mp4, retain: {max-age: 7d}}\n",
                "cameras[0].retain: applies to segments");
        assertProblem("- just\n- a list\n", "expected a mapping");
        assertProblem("cameras:\n  - {id: 'bad id!', input: x.mp4, output: y.mp4}\n", "cameras[0].id: expected 1 to 64");
        InputException missing = assertThrows(InputException.class, () -> ServeConfigFile.read(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().endsWith("nope.yaml: not found"), missing.getMessage());
    }

    private void assertProblem(String yaml, String expected) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), yaml);
        InputException e = assertThrows(InputException.class, () -> ServeConfigFile.read(file), yaml);
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
