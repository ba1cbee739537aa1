package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.kafka.BrokerSettings;
import io.derain.pipeline.kafka.EmbeddedBroker;
import io.derain.pipeline.source.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code derain run} with kafka:// in and out, against a real single-node broker in this JVM. */
@Tag("kafka")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KafkaRunTest {
    @TempDir
    Path dir;

    private record Result(int exitCode, String err) {}

    private static Result derain(String... args) {
        StringWriter err = new StringWriter();
        var cli = DerainCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }

    /** A file published as a camera (no model), read back by camera id into a video: every frame, JPEG loss only. */
    @Test
    void aFilePublishedToKafkaComesBackAsTheSameVideo() throws Exception {
        Path clip = RtspClip.path();
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")).withDefaultPartitions(3))) {
            String topic = "kafka://" + broker.bootstrap() + "/frames.raw";
            Result in = derain("run", clip.toString(), "-o", topic, "--model", "none", "--camera", "cam1", "-q");
            assertEquals(0, in.exitCode(), in.err());
            assertTrue(in.err().contains("100 frames"), in.err());
            Path out = dir.resolve("back.mp4");
            Result back = derain("run", topic, "--camera", "cam1", "-o", out.toString(), "--model", "none", "-q");
            assertEquals(0, back.exitCode(), back.err());
            assertEquals(100, TestMedia.probe(out).frames(), back.err());
            double diff = TestMedia.meanAbsDiff(clip, out);
            assertTrue(diff < 3.0, "JPEG and H.264 loss only: mean abs diff " + diff);
            Result other = derain("run", topic, "--camera", "nobody", "-o", dir.resolve("none.mp4").toString(), "--model", "none", "-q");
            assertEquals(2, other.exitCode(), other.err());
        }
    }

    /** No broker at the address: exit 2 with one line naming it, within 30 s. */
    @Test
    void noBrokerIsBadInputWithinThirtySeconds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        Result r = derain("run", RtspClip.path().toString(), "-o", "kafka://127.0.0.1:" + port + "/frames", "--model", "none", "-q");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
        assertTrue(seconds < 30, seconds + " s");
    }

    /** The project's sample clip (640×360, 25 fps, 100 frames). */
    private static final class RtspClip {
        static Path path() {
            Path p = Path.of("../samples/media/rainy-road.mp4");
            return p.toFile().exists() ? p : Path.of("samples/media/rainy-road.mp4");
        }
    }
}
