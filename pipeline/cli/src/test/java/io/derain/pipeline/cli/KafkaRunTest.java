package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
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

    /** With --group, a reader commits what its output made durable, and a second run reads only what came after. */
    @Test
    void aReaderWithAGroupResumesAfterWhatItMadeDurable() throws Exception {
        Path clip = RtspClip.path();
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")).withDefaultPartitions(2))) {
            String topic = "kafka://" + broker.bootstrap() + "/frames.rec";
            String[] publish = {"run", clip.toString(), "-o", topic, "--model", "none", "--camera", "cam1", "--fps", "5", "-q"};
            assertEquals(0, derain(publish).exitCode());
            Result first = derain("run", topic, "--camera", "cam1", "--group", "rec", "-o", dir.resolve("a.mp4").toString(), "--model", "none", "-q");
            assertEquals(0, first.exitCode(), first.err());
            assertEquals(20, TestMedia.probe(dir.resolve("a.mp4")).frames(), first.err());
            assertEquals(0, derain(publish).exitCode());
            Result second = derain("run", topic, "--camera", "cam1", "--group", "rec", "-o", dir.resolve("b.mp4").toString(), "--model", "none", "-q");
            assertEquals(0, second.exitCode(), second.err());
            assertEquals(20, TestMedia.probe(dir.resolve("b.mp4")).frames(), "only the frames published after the first read: " + second.err());
            Result all = derain("run", topic, "--camera", "cam1", "-o", dir.resolve("all.mp4").toString(), "--model", "none", "-q");
            assertEquals(0, all.exitCode(), all.err());
            assertEquals(40, TestMedia.probe(dir.resolve("all.mp4")).frames(), "no group: from the beginning");
        }
    }

    /**
     * The fleet's chain: a file ingested as a camera (no model), derained by {@code derain worker} with the
     * bundled model, read back by camera into a video. Frame for frame within JPEG loss (two JPEG round trips)
     * of the same file derained directly: luminance PSNR at least 35 dB on every frame.
     */
    @Test
    void ingestWorkerAndReadBackMatchTheDirectRun() throws Exception {
        Path clip = RtspClip.path();
        Path direct = dir.resolve("direct.mp4");
        Result d = derain("run", clip.toString(), "-o", direct.toString(), "--fps", "5", "-q");
        assertEquals(0, d.exitCode(), d.err());
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")).withDefaultPartitions(2))) {
            String raw = "kafka://" + broker.bootstrap() + "/frames.raw";
            String derained = "kafka://" + broker.bootstrap() + "/frames.derained";
            Result in = derain("run", clip.toString(), "-o", raw, "--model", "none", "--fps", "5", "--camera", "cam1", "-q");
            assertEquals(0, in.exitCode(), in.err());
            Result worker = derain("worker", "--in", raw, "--out", derained, "--group", "chain", "--batch", "4",
                    "--idle-timeout", "10s", "-q");
            assertEquals(0, worker.exitCode(), worker.err());
            Path back = dir.resolve("chain.mp4");
            Result read = derain("run", derained, "--camera", "cam1", "-o", back.toString(), "--model", "none", "-q");
            assertEquals(0, read.exitCode(), read.err());
            assertEquals(20, TestMedia.probe(direct).frames(), "4 s at 5 fps");
            assertEquals(20, TestMedia.probe(back).frames(), read.err());
            java.util.List<Double> psnr = TestMedia.lumaPsnr(direct, back);
            assertEquals(20, psnr.size());
            double worst = psnr.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            System.out.printf("chain vs direct, luminance PSNR: worst %.2f dB, mean %.2f dB over %d frames%n", worst,
                    psnr.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), psnr.size());
            assertTrue(worst >= 35.0, "luminance PSNR per frame " + psnr);
        }
    }

    /** Derained records carry the model, its weights' digest and the drop coverage the map measured. */
    @Test
    void derainedRecordsSayWhichModelMadeThemAndHowDirtyTheLensIs() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")))) {
            String topic = "kafka://" + broker.bootstrap() + "/frames.derained";
            Result r = derain("run", RtspClip.path().toString(), "-o", topic, "--fps", "2", "--camera", "cam2", "-q");
            assertEquals(0, r.exitCode(), r.err());
            java.util.Properties p = new java.util.Properties();
            p.put("bootstrap.servers", broker.bootstrap());
            p.put("isolation.level", "read_committed");
            p.put("auto.offset.reset", "earliest");
            var bytes = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
            int records = 0;
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p, bytes, bytes)) {
                var partition = new org.apache.kafka.common.TopicPartition("frames.derained", 0);
                consumer.assign(java.util.List.of(partition));
                consumer.seekToBeginning(java.util.List.of(partition));
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (records < 8 && System.nanoTime() < deadline) {
                    for (var rec : consumer.poll(java.time.Duration.ofMillis(500))) {
                        records++;
                        assertEquals("cam2", new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8));
                        assertEquals(io.derain.models.restore.ModelCatalog.DEFAULT, header(rec, "derain.model"), "no --model: the default names the records");
                        assertTrue(header(rec, "derain.weights").matches("sha256:[0-9a-f]{64}"), header(rec, "derain.weights"));
                        double coverage = Double.parseDouble(header(rec, "derain.coverage"));
                        assertTrue(coverage >= 0 && coverage <= 1, "coverage " + coverage);
                    }
                }
            }
            assertEquals(8, records, "4 s of clip at 2 fps");
        }
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> rec, String name) {
        var h = rec.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
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

    /** derain worker's bad configurations: no broker, an unknown input topic, a bad --kafka-config. Each exit 2, one line, under 30 s. */
    @Test
    void workerBadConfigurationIsOneLineAndExitTwo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String nowhere = "kafka://127.0.0.1:" + port;
        expectBadInput(nowhere + ":", "127.0.0.1:" + port, "worker", "--in", nowhere + "/raw", "--out", nowhere + "/out",
                "--group", "g", "--model", "none");
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")).withAutoCreateTopics(false))) {
            String at = "kafka://" + broker.bootstrap();
            expectBadInput("unknown topic", "missing", "worker", "--in", at + "/missing", "--out", at + "/out",
                    "--group", "g", "--model", "none");
            Path config = dir.resolve("client.properties");
            java.nio.file.Files.writeString(config, "security.protocol=NOT_A_PROTOCOL\nsasl.jaas.config=secret-value\n");
            Result r = expectBadInput("bad --kafka-config", config.toString(), "worker", "--in", at + "/missing", "--out",
                    at + "/out", "--group", "g", "--model", "none", "--kafka-config", config.toString());
            assertTrue(!r.err().contains("secret-value"), "secrets never printed: " + r.err());
        }
    }

    private static Result expectBadInput(String what, String named, String... args) {
        long start = System.nanoTime();
        Result r = derain(args);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, r.exitCode(), what + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), what + ": one line: " + r.err());
        assertTrue(r.err().contains(named), what + ": names " + named + ": " + r.err());
        assertTrue(seconds < 30, what + ": " + seconds + " s");
        return r;
    }

    /** The project's sample clip (640×360, 25 fps, 100 frames). */
    private static final class RtspClip {
        static Path path() {
            Path p = TestMedia.sampleClip();
            return p.toFile().exists() ? p : Path.of("samples/media/rainy-road.mp4");
        }
    }
}
