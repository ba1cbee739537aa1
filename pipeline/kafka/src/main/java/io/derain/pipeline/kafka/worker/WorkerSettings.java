package io.derain.pipeline.kafka.worker;

import io.derain.models.SettingsException;
import io.derain.pipeline.kafka.FrameEncoding;
import io.derain.pipeline.kafka.FrameRecordCodec;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.kafka.ModelStamp;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link FrameWorker} runs. Build with {@link #of} and adjust with the {@code with...} methods.
 *
 * @param client             the input topic's cluster and the user's client properties (the output and
 *                           dead-letter topics are on the same cluster: a transaction's records and offsets
 *                           must be)
 * @param output             the topic derained frames go to
 * @param groupId            the consumer group the worker joins
 * @param dlqTopic           the dead-letter topic for records that are not frames, or null to count and skip them
 * @param batchSize          most records per operator batch (and per poll)
 * @param maxBatchWait       how long a partial batch waits for more records before it is processed
 * @param commitInterval     how long a transaction may stay open across batches; zero: one transaction per batch
 * @param pollTimeout        the longest one poll waits (a stop ends it sooner)
 * @param connectTimeout     how long opening may wait for the cluster to answer
 * @param closeTimeout       how long closing may wait for the clients
 * @param transactionTimeout the broker aborts a transaction of a worker that died after this long
 *                           ({@code transaction.timeout.ms}); read_committed readers wait at most that long
 * @param instanceId         this worker's part of its {@code transactional.id} (unique per worker process)
 * @param encoding           how derained frames are encoded
 * @param model              what the derained records' model headers say
 * @param maxSide            the largest width or height of an input frame accepted
 * @param idleTimeout        {@link FrameWorker#run()} returns after this long without a record (everything
 *                           handled committed); zero: never (a service)
 */
public record WorkerSettings(KafkaClientConfig client, KafkaUrl output, String groupId, String dlqTopic, int batchSize,
                             Duration maxBatchWait, Duration commitInterval, Duration pollTimeout,
                             Duration connectTimeout, Duration closeTimeout, Duration transactionTimeout,
                             String instanceId, FrameEncoding encoding, ModelStamp model, int maxSide,
                             Duration idleTimeout) {
    public static final int DEFAULT_BATCH = 8;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);
    public static final Duration DEFAULT_POLL = Duration.ofMillis(100);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(30);

    public WorkerSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(model, "model");
        if (groupId == null || groupId.isBlank()) throw new SettingsException("the worker needs a consumer group id");
        if (!output.bootstrapServers().equals(client.url().bootstrapServers())) {
            throw new SettingsException(output + ": the output must be on the input's cluster ("
                    + client.url().bootstrapServers() + "): a transaction's records and consumed offsets go to one cluster");
        }
        if (output.topic().equals(client.url().topic())) {
            throw new SettingsException(output + ": the output topic must not be the input topic");
        }
        if (dlqTopic != null && (dlqTopic.equals(client.url().topic()) || dlqTopic.equals(output.topic()))) {
            throw new SettingsException("the dead-letter topic '" + dlqTopic + "' must differ from the input and output topics");
        }
        if (dlqTopic != null) client.url().withTopic(dlqTopic); // checks the name
        if (batchSize < 1) throw new SettingsException("batch size must be at least 1, got " + batchSize);
        if (maxBatchWait.isNegative()) throw new SettingsException("max batch wait must not be negative");
        if (commitInterval.isNegative()) throw new SettingsException("commit interval must not be negative");
        if (pollTimeout.toMillis() < 1) throw new SettingsException("poll timeout must be at least 1 ms");
        if (connectTimeout.toMillis() < 100) throw new SettingsException("connect timeout must be at least 100 ms");
        if (closeTimeout.isNegative()) throw new SettingsException("close timeout must not be negative");
        if (transactionTimeout.toMillis() < 1000) throw new SettingsException("transaction timeout must be at least 1 s");
        if (instanceId == null || instanceId.isBlank()) throw new SettingsException("instance id must not be empty");
        if (maxSide < 1) throw new SettingsException("max side must be positive");
        if (idleTimeout.isNegative()) throw new SettingsException("idle timeout must not be negative");
    }

    /** Defaults: batch 8, 200 ms wait, a transaction per batch, no DLQ, JPEG 95, a random instance id. */
    public static WorkerSettings of(KafkaClientConfig input, KafkaUrl output, String groupId) {
        return new WorkerSettings(input, output, groupId, null, DEFAULT_BATCH, DEFAULT_MAX_WAIT, Duration.ZERO,
                DEFAULT_POLL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_CLOSE_TIMEOUT, DEFAULT_TRANSACTION_TIMEOUT,
                UUID.randomUUID().toString().substring(0, 8), FrameEncoding.DEFAULT, ModelStamp.NONE,
                FrameRecordCodec.DEFAULT_MAX_SIDE, Duration.ZERO);
    }

    public KafkaUrl input() { return client.url(); }

    /** {@code transactional.id}: the group's, then this worker's instance. */
    public String transactionalId() { return "derain-" + groupId + "-" + instanceId; }

    public WorkerSettings withDlq(String topic) {
        return new WorkerSettings(client, output, groupId, topic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withBatch(int size, Duration maxWait) {
        return new WorkerSettings(client, output, groupId, dlqTopic, size, maxWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withCommitInterval(Duration interval) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, interval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withTimeouts(Duration connect, Duration close, Duration transaction) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connect, close, transaction, instanceId, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withInstanceId(String id) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, id, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withEncoding(FrameEncoding e) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, e, model, maxSide, idleTimeout);
    }

    /** The input's client settings (bootstrap, TLS, timeouts: what {@code --kafka-config} passes). */
    public WorkerSettings withClient(KafkaClientConfig c) {
        return new WorkerSettings(c, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, model, maxSide, idleTimeout);
    }

    public WorkerSettings withIdleTimeout(Duration t) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, model, maxSide, t);
    }

    public WorkerSettings withModel(ModelStamp m) {
        return new WorkerSettings(client, output, groupId, dlqTopic, batchSize, maxBatchWait, commitInterval, pollTimeout,
                connectTimeout, closeTimeout, transactionTimeout, instanceId, encoding, m, maxSide, idleTimeout);
    }
}
