package io.derain.pipeline.kafka.worker;

import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.KafkaClients;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The worker's Kafka client properties (a {@code read_committed} group consumer without auto-commit, a
 * transactional producer) and the producer's registration. Opens and owns no client: {@link FrameWorker#open}
 * does, and closes them if it fails.
 */
final class WorkerClients {
    private WorkerClients() {}

    static Properties consumerProperties(WorkerSettings s) {
        String deserializer = ByteArrayDeserializer.class.getName();
        return s.client().consumer(
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "derain-worker-" + s.instanceId(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(s.batchSize()),
                        // A dead worker's cameras move to the others within 10 s, not the client's default 45.
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000",
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(s.connectTimeout().toMillis())),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, s.groupId(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer));
    }

    static Properties producerProperties(WorkerSettings s) {
        String serializer = ByteArraySerializer.class.getName();
        return s.client().producer(
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "derain-worker-" + s.instanceId(),
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(s.connectTimeout().toMillis()),
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(s.transactionTimeout().toMillis())),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.transactionalId(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serializer));
    }

    /**
     * Registers the transactional producer, fencing an earlier one with the same {@code transactional.id}.
     * No coordinator within the connect timeout, or not allowed: an {@link InputException}.
     */
    static void initTransactions(KafkaProducer<byte[], byte[]> producer, WorkerSettings settings) {
        try {
            producer.initTransactions();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new InputException(settings.output() + ": the transaction coordinator did not answer within "
                    + settings.connectTimeout().toSeconds() + " s (" + KafkaClients.reason(e) + ")", e);
        } catch (AuthorizationException e) {
            throw new InputException(settings.output() + ": not allowed to use transactional.id "
                    + settings.transactionalId() + ": " + KafkaClients.reason(e), e);
        }
    }
}
