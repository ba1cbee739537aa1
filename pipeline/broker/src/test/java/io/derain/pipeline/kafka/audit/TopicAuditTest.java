package io.derain.pipeline.kafka.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import io.derain.pipeline.kafka.FrameHeaders;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaPosition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit finds what a broken worker would do: a frame lost, one derained twice, two out of order. */
@Tag("kafka")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicAuditTest {
    @TempDir Path data;

    @Test
    void findsLossDuplicatesReorderingAndDeadLetters() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(data));
             KafkaProducer<byte[], byte[]> producer = producer(broker)) {
            List<KafkaPosition> raw = new ArrayList<>();
            long capture = System.currentTimeMillis() * 1000;
            for (int i = 0; i < 10; i++) {
                RecordMetadata m = producer.send(new ProducerRecord<>("raw", null, "cam1".getBytes(StandardCharsets.UTF_8),
                        new byte[] {1}, new RecordHeaders())).get(30, TimeUnit.SECONDS);
                raw.add(new KafkaPosition(m.topic(), m.partition(), m.offset()));
            }
            // derained: 0..5, 7 twice, 9 before 8; 6 lost; dead letter: none at first
            int[] order = {0, 1, 2, 3, 4, 5, 7, 7, 9, 8};
            for (int i : order) producer.send(derived("derained", raw.get(i), capture)).get(30, TimeUnit.SECONDS);
            KafkaClientConfig client = KafkaClientConfig.of(broker.url("raw"));

            TopicAudit.Report r = TopicAudit.run(client, "derained", null, Duration.ofSeconds(30));
            assertFalse(r.clean());
            CameraAudit cam = r.cameras().get(0);
            assertEquals("cam1", cam.camera());
            assertEquals(10, cam.inputRecords());
            assertEquals(9, cam.derived());
            assertEquals(1, cam.lost(), "frame 6");
            assertEquals(1, cam.duplicates(), "frame 7");
            assertEquals(1, cam.outOfOrder(), "8 after 9 (the second 7 is a duplicate)");
            assertEquals(10, cam.latency().count());
            assertTrue(cam.latency().max() >= 0 && cam.latency().max() < 60, cam.latency().toString());

            producer.send(derived("dead", raw.get(6), capture)).get(30, TimeUnit.SECONDS);
            TopicAudit.Report withDlq = TopicAudit.run(client, "derained", "dead", Duration.ofSeconds(30));
            assertEquals(0, withDlq.cameras().get(0).lost(), "frame 6 is a dead letter, not lost");
            assertEquals(1, withDlq.cameras().get(0).deadLettered());
        }
    }

    private static ProducerRecord<byte[], byte[]> derived(String topic, KafkaPosition from, long captureMicros) {
        RecordHeaders h = new RecordHeaders();
        h.add(FrameHeaders.SOURCE, from.describe().getBytes(StandardCharsets.UTF_8));
        h.add(FrameHeaders.CAPTURE, Long.toString(captureMicros).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, "cam1".getBytes(StandardCharsets.UTF_8), new byte[] {2}, h);
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
