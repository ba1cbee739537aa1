package io.derain.pipeline.kafka.worker;

import io.derain.pipeline.kafka.FrameHeaders;
import io.derain.pipeline.kafka.KafkaPosition;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that are not frames, to the dead-letter topic in the open transaction: the original key, value and
 * headers plus {@value FrameWorker#ERROR_HEADER} (the reason) and {@link FrameHeaders#SOURCE} (where it was
 * read). Without a dead-letter topic, or when the dead letter would be larger than the producer takes, the
 * record is counted as skipped: a poison record never fails the transaction.
 *
 * <p>Owns nothing that needs closing; sends through the {@link FrameWorker}'s {@link WorkerTransaction}.
 */
final class DeadLetters {
    // Under the worker's name: its log reads as one component, as it did before the split.
    private static final Logger LOG = LoggerFactory.getLogger(FrameWorker.class);

    /** Null: no dead-letter topic. */
    private final String topic;
    private final WorkerTransaction transaction;
    private final WorkerStats stats;

    DeadLetters(String topic, WorkerTransaction transaction, WorkerStats stats) {
        this.topic = topic;
        this.transaction = transaction;
        this.stats = stats;
    }

    /** The original key, value and headers to the dead-letter topic, with the reason; or counted and skipped. */
    void send(ConsumerRecord<byte[], byte[]> r, String reason) {
        if (topic == null) {
            stats.skipped.incrementAndGet();
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) headers.add(h);
        headers.add(FrameWorker.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(FrameHeaders.SOURCE, new KafkaPosition(r.topic(), r.partition(), r.offset()).describe()
                .getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, null, null, r.key(), r.value(), headers);
        if (transaction.sizeOf(dead) > transaction.maxRequestSize()) {
            LOG.warn("derain worker: {} is too large for the dead-letter topic; skipped", r.topic() + "-" + r.partition() + "@" + r.offset());
            stats.skipped.incrementAndGet();
            return;
        }
        transaction.send(dead);
        stats.deadLettered.incrementAndGet();
    }
}
