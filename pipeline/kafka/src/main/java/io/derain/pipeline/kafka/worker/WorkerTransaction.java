package io.derain.pipeline.kafka.worker;

import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.kafka.worker.FrameWorker.WorkerException;
import io.derain.pipeline.runtime.Deadline;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's open Kafka transaction: begin, send, the consumed offsets, commit or abort, with each
 * transaction call retried while the broker is away and failures classed as fatal (the worker ends) or
 * abortable (the caller aborts and rewinds). It keeps the first asynchronous send failure and, per
 * partition, the offset after the last record handled in the open transaction.
 *
 * <p>Owns the transactional producer, initialised by {@link FrameWorker#open}; {@link FrameWorker#close()}
 * closes it through {@link #close()}. Single-threaded except for the producer's delivery callback.
 */
final class WorkerTransaction implements AutoCloseable {
    // Under the worker's name: its log reads as one component, as it did before the split.
    private static final Logger LOG = LoggerFactory.getLogger(FrameWorker.class);

    private final WorkerSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Supplier<ConsumerGroupMetadata> group;
    private final WorkerStats stats;
    private final int maxRequestSize;
    private final CompressionType compression;
    /** Per partition, the offset after the last record handled in the open transaction. */
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    // One callback for every send: a method reference per send would allocate on the per-record path.
    private final Callback onDelivery = (metadata, e) -> delivered(e);
    private volatile Exception sendFailure;
    private boolean open;
    private long startNanos;

    /** {@code group}: the consumer's group metadata, read at each offsets call (it changes with a rebalance). */
    WorkerTransaction(WorkerSettings settings, KafkaProducer<byte[], byte[]> producer, Properties producerProps,
                      Supplier<ConsumerGroupMetadata> group, WorkerStats stats) {
        this.settings = settings;
        this.producer = producer;
        this.group = group;
        this.stats = stats;
        ProducerConfig config = new ProducerConfig(producerProps);
        this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.compression = CompressionType.forName(config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
    }

    boolean isOpen() { return open; }

    /** Open and begun at least {@code age} ago. */
    boolean openFor(Duration age) {
        return open && System.nanoTime() - startNanos >= age.toNanos();
    }

    /** Begins a transaction unless one is open. */
    void begin() throws WorkerException {
        if (open) return;
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            throw fatal(e);
        }
        open = true;
        startNanos = System.nanoTime();
    }

    /** The producer's {@code max.request.size}: a larger record would fail the whole transaction. */
    int maxRequestSize() { return maxRequestSize; }

    /** An upper bound of the record's size on the wire, to hold against {@link #maxRequestSize()}. */
    int sizeOf(ProducerRecord<byte[], byte[]> r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, compression,
                r.key(), r.value(), r.headers().toArray());
    }

    /** Sends in the open transaction; a delivery failure is kept and fails the commit. */
    void send(ProducerRecord<byte[], byte[]> record) {
        producer.send(record, onDelivery);
    }

    private void delivered(Exception e) {
        if (e != null && sendFailure == null) sendFailure = e;
    }

    /** Marks a record handled: its partition's offset to commit becomes {@code offset + 1}. */
    void handled(TopicPartition partition, long offset) {
        handled.put(partition, new OffsetAndMetadata(offset + 1));
    }

    /**
     * Sends the handled offsets and commits the open transaction.
     *
     * @return null when committed; else the abortable failure (a send's, the offsets' or the commit's), the
     *         transaction still open for the caller to {@link #abort}
     * @throws WorkerException on a fatal failure
     */
    Exception commit() throws WorkerException {
        Exception failed = sendFailure;
        if (failed != null) return failed;
        try {
            if (!handled.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(handled);
                untilAnswered("sending the offsets", () -> producer.sendOffsetsToTransaction(offsets, group.get()));
            }
            untilAnswered("committing", producer::commitTransaction);
        } catch (KafkaException e) {
            throwIfFatal(e);
            return e;
        }
        open = false;
        stats.commits.incrementAndGet();
        handled.clear();
        return null;
    }

    /**
     * Runs a transaction call again while it times out: the broker is away (restarting, failing over) and the
     * producer resumes the same call when it is back. Up to the transaction timeout, after which the broker
     * aborts the transaction anyway and the call's failure says so.
     */
    private void untilAnswered(String what, Runnable call) {
        Deadline deadline = Deadline.in(settings.transactionTimeout());
        while (true) {
            try {
                call.run();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (deadline.expired()) throw e;
                stats.retries.incrementAndGet();
                LOG.warn("derain worker: {} timed out (the broker away?); retrying: {}", what, KafkaClients.reason(e));
            }
        }
    }

    /** Aborts the open transaction, if any; a failure to abort is fatal, with {@code cause} suppressed in it. */
    void abort(Exception cause) throws WorkerException {
        if (!open) return;
        try {
            untilAnswered("aborting", producer::abortTransaction);
        } catch (KafkaException e) {
            e.addSuppressed(cause);
            throw fatal(e);
        } finally {
            open = false;
            sendFailure = null;
            handled.clear();
        }
        stats.aborts.incrementAndGet();
    }

    /** Aborts the open transaction, if any, once and without retrying: the worker is ending. */
    void abortQuietly() {
        try {
            if (open) {
                open = false;
                producer.abortTransaction();
                stats.aborts.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.warn("derain worker: could not abort the open transaction (the broker aborts it after {} s): {}",
                    settings.transactionTimeout().toSeconds(), KafkaClients.reason(e));
        }
    }

    /** Throws the worker's end for a failure no retry or abort can fix (fenced, not allowed, out of sequence). */
    void throwIfFatal(KafkaException e) throws WorkerException {
        if (e instanceof ProducerFencedException || e instanceof FencedInstanceIdException
                || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException) {
            throw fatal(e);
        }
    }

    private WorkerException fatal(KafkaException e) {
        String what = e instanceof ProducerFencedException
                ? "fenced: another worker took over transactional.id " + settings.transactionalId()
                : KafkaClients.reason(e);
        return new WorkerException(settings.output() + ": " + what, e);
    }

    /** Closes the producer within the close timeout; abort first, or the broker aborts after its timeout. */
    @Override
    public void close() {
        try {
            producer.close(settings.closeTimeout());
        } catch (RuntimeException e) {
            LOG.warn("derain worker: closing the producer: {}", KafkaClients.reason(e));
        }
    }
}
