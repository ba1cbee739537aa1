package io.derain.pipeline.kafka.worker;

import io.derain.models.DerainException;
import io.derain.operators.FrameOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.FrameRecordCodec;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.kafka.TopicCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group member that derains frame records from one topic into another exactly once.
 *
 * <p>It consumes {@code read_committed} without auto-commit and produces with a transactional producer
 * ({@code transactional.id} = group + instance id). Records are decoded as they are polled and batched across
 * cameras, up to the batch size or the maximum wait; a batch runs through the {@link FrameOperator} (one call
 * per frame size, in chunks of the operator's {@code maxBatch}), each derained frame goes to the output topic
 * (key = camera, the frame's headers plus {@code derain.source}), and the offsets of everything consumed go in
 * the same transaction ({@code sendOffsetsToTransaction} with the consumer's group metadata), committed after
 * each batch, or, with a commit interval, once the transaction is that old. A record that is not a frame goes
 * to the dead-letter topic (original key, value and headers, plus {@value #ERROR_HEADER} with the reason) in
 * the same transaction, or is counted and skipped without one; it never stops the worker.
 *
 * <p>Records are handled in the order polled, so each partition's (each camera's) order is kept. On a
 * failed send or commit the transaction is aborted and the consumer goes back to the first offset not
 * committed in each partition: nothing is lost, and {@code read_committed} readers never see a duplicate.
 * When partitions are revoked the open transaction is finished (pending frames derained and committed)
 * before they go; when they are lost it is aborted. A fenced producer, an operator failure or
 * {@value #MAX_ABORTS_IN_A_ROW} aborts in a row end {@link #run()} with an exception, the open transaction aborted.
 *
 * <p>The parts: {@link PendingRecords} (decoded records waiting for their batch, and where an abort rewinds
 * to), {@link BatchDerainer} (a batch through the operator and into the transaction), {@link DeadLetters},
 * {@link WorkerTransaction} (the transactional producer) and {@link WorkerRebalance}. This class runs the loop
 * and decides when to derain, commit, abort and rewind. It owns the consumer, the transaction (so the
 * producer) and the codec, and closes them in {@link #close()}; not the operator.
 *
 * <p>{@link #run()} and {@link #close()} on one thread (the operator's: libtorch state is per thread);
 * {@link #stop()} from any thread ends the loop promptly after the transaction in progress is committed.
 */
public final class FrameWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameWorker.class);
    /** The header of a dead-letter record that says why its record is not a frame. */
    public static final String ERROR_HEADER = "derain.error";
    static final int MAX_ABORTS_IN_A_ROW = 5;

    private final WorkerSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final WorkerStats stats = new WorkerStats();
    private final WorkerTransaction transaction;
    private final FrameRecordCodec codec;
    private final PendingRecords pending;
    private final BatchDerainer derainer;
    private final WorkerRebalance rebalance;
    private final ConsumerLag lag;
    private final CountDownLatch finished = new CountDownLatch(1);
    private int abortsInARow;
    private volatile boolean stopping;
    private boolean closed;

    /** A failure that ends the worker (the open transaction is aborted). Kind {@link DerainException.Kind#FATAL}. */
    public static final class WorkerException extends DerainException {
        public WorkerException(String message, Throwable cause) { super(Kind.FATAL, message, cause); }
    }

    private FrameWorker(WorkerSettings settings, FrameOperator operator, KafkaConsumer<byte[], byte[]> consumer,
                        KafkaProducer<byte[], byte[]> producer, Properties producerProps) {
        this.settings = settings;
        this.consumer = consumer;
        this.transaction = new WorkerTransaction(settings, producer, producerProps, consumer::groupMetadata, stats);
        this.codec = new FrameRecordCodec(settings.encoding(), settings.model(), settings.maxSide());
        this.pending = new PendingRecords(codec, operator, stats, settings.batchSize());
        this.derainer = new BatchDerainer(settings, operator, codec, pending, transaction, stats);
        this.rebalance = new WorkerRebalance(consumer, transaction, pending, this::drain);
        this.lag = new ConsumerLag(consumer, stats);
    }

    /**
     * Checks the cluster and the topics (the input must exist; the output and dead-letter topics may be
     * created on first use), opens the clients and registers the transactional producer (fencing an
     * earlier producer with the same {@code transactional.id}). Bad settings, no broker, a missing topic:
     * an {@link InputException} within the connect timeout. Does not own {@code operator}.
     */
    public static FrameWorker open(WorkerSettings settings, FrameOperator operator) throws IOException {
        KafkaClientConfig in = settings.client();
        TopicCheck.describe(in, settings.connectTimeout(), false);
        TopicCheck.describe(in.forTopic(settings.output().topic()), settings.connectTimeout(), true);
        if (settings.dlqTopic() != null) TopicCheck.describe(in.forTopic(settings.dlqTopic()), settings.connectTimeout(), true);
        Properties producerProps = WorkerClients.producerProperties(settings);
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(WorkerClients.consumerProperties(settings), in);
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            producer = KafkaClients.producer(producerProps, in.forTopic(settings.output().topic()));
            WorkerClients.initTransactions(producer, settings);
            return new FrameWorker(settings, operator, consumer, producer, producerProps);
        } catch (RuntimeException e) {
            if (producer != null) producer.close(Duration.ZERO);
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    public WorkerSettings settings() { return settings; }

    public WorkerStats stats() { return stats; }

    /**
     * Consumes, derains and commits until {@link #stop()}; then finishes the open transaction and returns.
     *
     * @throws WorkerException on a failure that ends the worker (fenced, operator failed, the cluster keeps
     *                         refusing); the open transaction is aborted, a restarted worker redoes it
     */
    public void run() throws WorkerException {
        try {
            consumer.subscribe(List.of(settings.input().topic()), rebalance);
            long lastRecordNanos = System.nanoTime();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    continue; // stop() woke the poll; the loop condition ends it
                }
                rebalance.throwFailure();
                lag.sample();
                for (ConsumerRecord<byte[], byte[]> r : records) pending.accept(r);
                step();
                if (!records.isEmpty()) {
                    lastRecordNanos = System.nanoTime();
                } else if (idleFor(lastRecordNanos)) {
                    LOG.info("derain worker: no record for {} s; stopping", settings.idleTimeout().toSeconds());
                    break;
                }
            }
            drain();
        } catch (WorkerException e) {
            abortQuietly();
            throw e;
        } catch (RuntimeException e) {
            abortQuietly();
            throw new WorkerException(settings.input() + " → " + settings.output() + ": worker failed: "
                    + KafkaClients.reason(e), e);
        } finally {
            finished.countDown();
        }
    }

    private boolean idleFor(long lastRecordNanos) {
        return !settings.idleTimeout().isZero() && pending.isEmpty()
                && System.nanoTime() - lastRecordNanos >= settings.idleTimeout().toNanos();
    }

    /** Ends {@link #run()} promptly: a poll in progress returns, the open transaction is committed. Any thread. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    /** The same as {@link #stop()}. */
    public void wake() { stop(); }

    /** Waits until {@link #run()} has returned (or never started and was closed); false if it took longer. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs full batches, a partial one that waited long enough, and commits when it is time. */
    private void step() throws WorkerException {
        while (pending.size() >= settings.batchSize()) processBatch(settings.batchSize());
        if (pending.waitedFor(settings.maxBatchWait())) processBatch(pending.size());
        if (transaction.openFor(settings.commitInterval())) commit();
    }

    /** Handles everything pending and commits the open transaction. */
    private void drain() throws WorkerException {
        while (!pending.isEmpty()) processBatch(Math.min(settings.batchSize(), pending.size()));
        if (transaction.isOpen()) commit();
    }

    /** Derains the first {@code n} pending records and sends them (or their dead letters) in the open transaction. */
    private void processBatch(int n) throws WorkerException {
        List<PendingRecords.Entry> batch = pending.take(n);
        transaction.begin();
        KafkaException failed = derainer.derain(batch);
        if (failed != null) abortAndRewind(failed);
    }

    /** Sends the handled offsets and commits; on failure aborts and goes back to the last committed offsets. */
    private void commit() throws WorkerException {
        if (!transaction.isOpen()) return;
        Exception failed = transaction.commit();
        if (failed != null) {
            abortAndRewind(failed);
            return;
        }
        abortsInARow = 0;
        pending.committed();
    }

    private void abortAndRewind(Exception cause) throws WorkerException {
        LOG.warn("derain worker: aborting the transaction: {}", KafkaClients.reason(cause));
        transaction.abort(cause);
        pending.rewind(consumer, Set.of());
        if (++abortsInARow >= MAX_ABORTS_IN_A_ROW) {
            throw new WorkerException("gave up after " + abortsInARow + " aborted transactions in a row; the last: "
                    + KafkaClients.reason(cause), cause);
        }
    }

    private void abortQuietly() {
        transaction.abortQuietly();
        pending.clear();
    }

    /** Aborts a transaction still open, then closes the consumer (leaving the group) and the producer, each within the close timeout. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopping = true;
        abortQuietly();
        try {
            consumer.close(CloseOptions.timeout(settings.closeTimeout()));
        } catch (RuntimeException e) {
            LOG.warn("derain worker: closing the consumer: {}", KafkaClients.reason(e));
        }
        transaction.close();
        codec.close();
        finished.countDown();
    }
}
