package io.derain.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** URLs and client properties: parsing, pass-through, the settings derain insists on, secrets masked. */
@Tag("kafka")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaClientConfigTest {
    @TempDir Path dir;

    @Test
    void urlsNameTheClusterAndTheTopic() {
        KafkaUrl url = KafkaUrl.parse("kafka://k1:9092,[::1]:9093/cams.raw");
        assertEquals("k1:9092,[::1]:9093", url.bootstrapServers());
        assertEquals("cams.raw", url.topic());
        assertEquals("kafka://k1:9092,[::1]:9093/derained", url.withTopic("derained").toString());
        for (String bad : new String[] {"kafka://host/topic", "kafka://host:99999/t", "kafka://host:9092/",
                "kafka://host:9092", "kafka://:9092/t", "kafka://h:9092/bad topic", "http://h:1/t"}) {
            InputException e = assertThrows(InputException.class, () -> KafkaUrl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith(bad + ": not a Kafka URL: "), e.getMessage());
        }
    }

    @Test
    void filePropertiesPassThroughAndSecretsNeverShow() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";
                ssl.truststore.password=hunter3
                linger.ms=20
                fetch.min.bytes=1
                """);
        KafkaClientConfig config = KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file);
        KafkaSinkSettings sink = KafkaSinkSettings.of(config).withCamera("cam");
        Properties producer = KafkaFrameSink.producerProperties(sink);
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("20", producer.get("linger.ms"));
        assertEquals("all", producer.get("acks"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("k:9092", producer.get("bootstrap.servers"));
        assertFalse(producer.containsKey("fetch.min.bytes"), "consumer settings stay with the consumer");
        // a broker that goes away blocks a send and a commit's flush for bounded times
        assertEquals(Long.toString(sink.connectTimeout().toMillis()), producer.get("max.block.ms"));
        assertEquals("60000", producer.get("delivery.timeout.ms"));
        Properties consumer = KafkaFrameSource.consumerProperties(KafkaSourceSettings.of(config, "cam"));
        assertEquals("read_committed", consumer.get("isolation.level"));
        assertEquals("1", consumer.get("fetch.min.bytes"));
        String shown = config.toString() + " " + KafkaClientConfig.describe(producer);
        assertFalse(shown.contains("hunter"), shown);
        assertTrue(shown.contains("sasl.jaas.config=****") && shown.contains("security.protocol=SASL_SSL"), shown);
    }

    /** Kafka refuses a delivery timeout below linger.ms + request.timeout.ms: ours gives way to the user's. */
    @Test
    void theDeliveryDeadlineMakesRoomForTheUsersRequestTimeout() throws Exception {
        Path file = dir.resolve("slow.properties");
        Files.writeString(file, "request.timeout.ms=90000\nlinger.ms=20\n");
        KafkaClientConfig config = KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file);
        Properties producer = KafkaFrameSink.producerProperties(KafkaSinkSettings.of(config));
        assertEquals("90020", producer.get("delivery.timeout.ms"));
        new org.apache.kafka.clients.producer.ProducerConfig(producer); // Kafka's own check of the three
        Files.writeString(file, "delivery.timeout.ms=200000\n");
        assertEquals("200000", KafkaFrameSink.producerProperties(KafkaSinkSettings.of(
                KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file))).get("delivery.timeout.ms"), "the user's own stays");
    }

    @Test
    void settingsThatWouldBreakTheGuaranteesAreRefused() throws Exception {
        Path file = dir.resolve("weak.properties");
        Files.writeString(file, "acks=1\n");
        KafkaClientConfig weak = KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file);
        InputException e = assertThrows(InputException.class,
                () -> KafkaFrameSink.producerProperties(KafkaSinkSettings.of(weak)));
        assertEquals(file + ": acks=1 is not allowed here: derain needs acks=all", e.getMessage());
        Files.writeString(file, "isolation.level=read_uncommitted\n");
        KafkaClientConfig dirty = KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file);
        assertThrows(InputException.class, () -> KafkaFrameSource.consumerProperties(KafkaSourceSettings.of(dirty, "c")));
        Files.writeString(file, "bootstrap.servers=elsewhere:9092\n");
        assertThrows(InputException.class, () -> KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), file));
        InputException missing = assertThrows(InputException.class,
                () -> KafkaClientConfig.of(KafkaUrl.parse("kafka://k:9092/t"), dir.resolve("nope.properties")));
        assertTrue(missing.getMessage().contains("nope.properties: Kafka client properties not found"));
    }

    @Test
    void aBadClientSettingIsBadInputNamingTheFile() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "security.protocol=PLAINTEXTT\n");
        KafkaClientConfig config = KafkaClientConfig.of(KafkaUrl.parse("kafka://127.0.0.1:9/t"), file);
        InputException e = assertThrows(InputException.class,
                () -> KafkaFrameSource.open(KafkaSourceSettings.of(config, "cam")));
        assertTrue(e.getMessage().startsWith(file + ": bad Kafka client settings: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
