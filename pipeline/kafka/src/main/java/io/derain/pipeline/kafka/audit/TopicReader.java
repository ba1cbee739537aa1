package io.derain.pipeline.kafka.audit;

import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.runtime.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic once, {@code read_committed}, from the beginning to the last stable offsets at start. */
final class TopicReader {
    private TopicReader() {}

    /**
     * Every committed record of {@code client}'s topic, to {@code each}; fails if that takes longer than
     * {@code timeout}. A topic that does not exist is an error unless {@code mayBeMissing} (then: no records).
     */
    static void readAll(KafkaClientConfig client, Duration timeout, boolean mayBeMissing,
                        Consumer<ConsumerRecord<byte[], byte[]>> each) throws IOException {
        String deserializer = ByteArrayDeserializer.class.getName();
        Properties props = client.consumer(
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "derain-audit",
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis())),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer));
        String topic = client.url().topic();
        Deadline deadline = Deadline.in(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(props, client)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                if (mayBeMissing) return;
                throw new InputException(client.url() + ": no such topic");
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : infos) parts.add(new TopicPartition(topic, info.partition()));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (deadline.expired()) {
                    throw new IOException(client.url() + ": not read to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) each.accept(r);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new InputException(client.url() + ": no answer within " + timeout.toSeconds() + " s ("
                    + KafkaClients.reason(e) + ")", e);
        }
    }
}
