package io.derain.pipeline.kafka.worker;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.FrameHeaders;
import io.derain.pipeline.kafka.FrameRecordCodec;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.kafka.KafkaPosition;
import io.derain.pipeline.kafka.TopicCheck;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.source.FramePool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * <p>{@link #run()} and {@link #close()} on one thread (the operator's: libtorch state is per thread);
 * {@link #stop()} from any thread ends the loop promptly after the transaction in progress is committed.
 */
public final class FrameWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameWorker.class);
    /** The header of a dead-letter record that says why its record is not a frame. */
    public static final String ERROR_HEADER = "derain.error";
    static final int MAX_ABORTS_IN_A_ROW = 5;

    private final WorkerSettings settings;
    private final FrameOperator operator;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final FrameRecordCodec codec;
    private final FramePool pool = new FramePool();
    private final WorkerStats stats = new WorkerStats();
    private final int maxRequestSize;
    private final CompressionType compression;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Records polled and not yet handled, in poll order. */
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    /** Per partition, the first offset polled and not committed (where an abort goes back to). */
    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();
    /** Per partition, the offset after the last record handled in the open transaction. */
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    private boolean inTransaction;
    private long transactionStartNanos;
    private long firstPendingNanos;
    private long lagSampledNanos;
    private int abortsInARow;
    private volatile Exception sendFailure;
    private RuntimeException listenerFailure;
    private volatile boolean stopping;
    private boolean closed;

    /** A polled record: its frame, or why it is not one. */
    private record Entry(ConsumerRecord<byte[], byte[]> record, VideoFrame frame, String problem) {
        TopicPartition partition() { return new TopicPartition(record.topic(), record.partition()); }
    }

    /** A failure that ends the worker (the open transaction is aborted). */
    public static final class WorkerException extends IOException {
        public WorkerException(String message, Throwable cause) { super(message, cause); }
    }

    private FrameWorker(WorkerSettings settings, FrameOperator operator, KafkaConsumer<byte[], byte[]> consumer,
                        KafkaProducer<byte[], byte[]> producer, Properties producerProps) {
        this.settings = settings;
        this.operator = operator;
        this.consumer = consumer;
        this.producer = producer;
        ProducerConfig config = new ProducerConfig(producerProps);
        this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.compression = CompressionType.forName(config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        this.codec = new FrameRecordCodec(settings.encoding(), settings.model(), settings.maxSide());
        pool.expect(2 * settings.batchSize());
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
        Properties producerProps = producerProperties(settings);
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(consumerProperties(settings), in);
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            producer = KafkaClients.producer(producerProps, in.forTopic(settings.output().topic()));
            try {
                producer.initTransactions();
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new InputException(settings.output() + ": the transaction coordinator did not answer within "
                        + settings.connectTimeout().toSeconds() + " s (" + KafkaClients.reason(e) + ")", e);
            } catch (AuthorizationException e) {
                throw new InputException(settings.output() + ": not allowed to use transactional.id "
                        + settings.transactionalId() + ": " + KafkaClients.reason(e), e);
            }
            return new FrameWorker(settings, operator, consumer, producer, producerProps);
        } catch (RuntimeException e) {
            if (producer != null) producer.close(Duration.ZERO);
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

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
            consumer.subscribe(List.of(settings.input().topic()), new Rebalance());
            long lastRecordNanos = System.nanoTime();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    continue; // stop() woke the poll; the loop condition ends it
                }
                throwListenerFailure();
                sampleLag();
                for (ConsumerRecord<byte[], byte[]> r : records) accept(r);
                step();
                if (!records.isEmpty()) {
                    lastRecordNanos = System.nanoTime();
                } else if (idleFor(lastRecordNanos)) {
                    LOG.info("derain worker: no record for {} s; stopping", settings.idleTimeout().toSeconds());
                    break;
                }
            }
            drain();
        } catch (RuntimeException e) {
            abortQuietly();
            throw new WorkerException(settings.input() + " → " + settings.output() + ": worker failed: "
                    + KafkaClients.reason(e), e);
        } catch (WorkerException e) {
            abortQuietly();
            throw e;
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

    /**
     * The consumer's current lag (records behind the end), the largest over its assigned partitions, at most
     * once a second. Per-partition {@code records-lag}, not {@code records-lag-max}: the latter is the maximum
     * over a 30 s window and reads high long after the worker caught up.
     */
    private void sampleLag() {
        long now = System.nanoTime();
        if (now - lagSampledNanos < 1_000_000_000L) return;
        lagSampledNanos = now;
        long max = -1;
        for (var e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("records-lag") && e.getKey().tags().containsKey("partition")
                    && e.getValue().metricValue() instanceof Double lag && Double.isFinite(lag)) {
                max = Math.max(max, Math.round(lag));
            }
        }
        stats.lag.set(max);
    }

    /** Decodes one polled record into the pending queue. */
    private void accept(ConsumerRecord<byte[], byte[]> r) {
        stats.recordsIn.incrementAndGet();
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        uncommitted.putIfAbsent(tp, r.offset());
        Entry entry;
        if (r.key() == null || r.key().length == 0) {
            entry = new Entry(r, null, FrameRecordCodec.rejected(r, "no key (the camera id)").getMessage());
        } else {
            VideoFrame frame = null;
            String problem = null;
            try {
                frame = ((VideoItem) codec.decode(r, pool)).frame();
                operator.checkFrameSize(frame.width(), frame.height());
            } catch (FrameRejectedException e) {
                problem = e.getMessage();
            } catch (IllegalArgumentException e) {
                problem = FrameRecordCodec.rejected(r, "the operator cannot take this frame: " + e.getMessage()).getMessage();
            } catch (RuntimeException e) {
                problem = FrameRecordCodec.rejected(r, "not decodable: " + KafkaClients.reason(e)).getMessage();
            }
            if (problem != null && frame != null) {
                pool.release(frame);
                frame = null;
            }
            entry = new Entry(r, frame, problem);
        }
        if (entry.problem() != null) LOG.warn("derain worker: {}", entry.problem());
        if (pending.isEmpty()) firstPendingNanos = System.nanoTime();
        pending.addLast(entry);
    }

    /** Runs full batches, a partial one that waited long enough, and commits when it is time. */
    private void step() throws WorkerException {
        while (pending.size() >= settings.batchSize()) processBatch(settings.batchSize());
        if (!pending.isEmpty() && System.nanoTime() - firstPendingNanos >= settings.maxBatchWait().toNanos()) {
            processBatch(pending.size());
        }
        if (inTransaction && System.nanoTime() - transactionStartNanos >= settings.commitInterval().toNanos()) commit();
    }

    /** Handles everything pending and commits the open transaction. */
    private void drain() throws WorkerException {
        while (!pending.isEmpty()) processBatch(Math.min(settings.batchSize(), pending.size()));
        if (inTransaction) commit();
    }

    /** Derains the first {@code n} pending records and sends them (or their dead letters) in the open transaction. */
    private void processBatch(int n) throws WorkerException {
        List<Entry> batch = new ArrayList<>(n);
        for (int i = 0; i < n && !pending.isEmpty(); i++) batch.add(pending.pollFirst());
        if (!pending.isEmpty()) firstPendingNanos = System.nanoTime();
        ensureTransaction();
        Map<Long, List<VideoFrame>> bySize = new LinkedHashMap<>();
        int frames = 0;
        for (Entry e : batch) {
            if (e.frame() == null) continue;
            bySize.computeIfAbsent(((long) e.frame().width() << 32) | e.frame().height(), k -> new ArrayList<>()).add(e.frame());
            frames++;
        }
        try {
            int chunk = Math.max(1, Math.min(settings.batchSize(), operator.maxBatch()));
            for (List<VideoFrame> group : bySize.values()) {
                for (int i = 0; i < group.size(); i += chunk) operator.apply(group.subList(i, Math.min(group.size(), i + chunk)));
            }
        } catch (RuntimeException e) {
            for (Entry b : batch) if (b.frame() != null) pool.release(b.frame());
            throw new WorkerException("the operator failed: " + KafkaClients.reason(e), e);
        }
        if (frames > 0) stats.batch(frames);
        try {
            for (Entry e : batch) {
                if (e.frame() != null) {
                    sendFrame(e);
                } else {
                    deadLetter(e.record(), e.problem());
                }
                handled.put(e.partition(), new OffsetAndMetadata(e.record().offset() + 1));
            }
        } catch (KafkaException e) {
            if (isFatal(e)) throw fatal(e);
            for (Entry b : batch) if (b.frame() != null) pool.release(b.frame());
            abortAndRewind(e);
            return;
        }
        for (Entry b : batch) if (b.frame() != null) pool.release(b.frame());
    }

    private void sendFrame(Entry e) {
        VideoFrame frame = e.frame();
        String camera = frame.metadata().camera();
        ProducerRecord<byte[], byte[]> out = codec.encode(settings.output().topic(), camera, frame);
        int size = sizeOf(out);
        if (size > maxRequestSize) {
            deadLetter(e.record(), FrameRecordCodec.rejected(e.record(), "its derained record of " + size
                    + " bytes is larger than the producer's " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " ("
                    + maxRequestSize + " bytes)").getMessage());
            return;
        }
        producer.send(out, this::delivered);
        stats.framesOut.incrementAndGet();
    }

    /** The original key, value and headers to the dead-letter topic, with the reason; or counted and skipped. */
    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        if (settings.dlqTopic() == null) {
            stats.skipped.incrementAndGet();
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) headers.add(h);
        headers.add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(FrameHeaders.SOURCE, new KafkaPosition(r.topic(), r.partition(), r.offset()).describe()
                .getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(settings.dlqTopic(), null, null, r.key(), r.value(), headers);
        if (sizeOf(dead) > maxRequestSize) {
            LOG.warn("derain worker: {} is too large for the dead-letter topic; skipped", r.topic() + "-" + r.partition() + "@" + r.offset());
            stats.skipped.incrementAndGet();
            return;
        }
        producer.send(dead, this::delivered);
        stats.deadLettered.incrementAndGet();
    }

    private int sizeOf(ProducerRecord<byte[], byte[]> r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, compression,
                r.key(), r.value(), r.headers().toArray());
    }

    private void delivered(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
        if (e != null && sendFailure == null) sendFailure = e;
    }

    private void ensureTransaction() throws WorkerException {
        if (inTransaction) return;
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            throw fatal(e);
        }
        inTransaction = true;
        transactionStartNanos = System.nanoTime();
    }

    /** Sends the handled offsets and commits; on failure aborts and goes back to the last committed offsets. */
    private void commit() throws WorkerException {
        if (!inTransaction) return;
        Exception failed = sendFailure;
        if (failed != null) {
            abortAndRewind(failed);
            return;
        }
        try {
            if (!handled.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(handled);
                untilAnswered("sending the offsets", () -> producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata()));
            }
            untilAnswered("committing", producer::commitTransaction);
        } catch (KafkaException e) {
            if (isFatal(e)) throw fatal(e);
            abortAndRewind(e);
            return;
        }
        inTransaction = false;
        stats.commits.incrementAndGet();
        abortsInARow = 0;
        handled.clear();
        uncommitted.clear();
        for (Entry e : pending) uncommitted.putIfAbsent(e.partition(), e.record().offset());
    }

    /**
     * Runs a transaction call again while it times out: the broker is away (restarting, failing over) and the
     * producer resumes the same call when it is back. Up to the transaction timeout, after which the broker
     * aborts the transaction anyway and the call's failure says so.
     */
    private void untilAnswered(String what, Runnable call) {
        long deadline = System.nanoTime() + settings.transactionTimeout().toNanos();
        while (true) {
            try {
                call.run();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() >= deadline) throw e;
                stats.retries.incrementAndGet();
                LOG.warn("derain worker: {} timed out (the broker away?); retrying: {}", what, KafkaClients.reason(e));
            }
        }
    }

    private void abortAndRewind(Exception cause) throws WorkerException {
        LOG.warn("derain worker: aborting the transaction: {}", KafkaClients.reason(cause));
        abort(cause);
        rewind(Set.of());
        if (++abortsInARow >= MAX_ABORTS_IN_A_ROW) {
            throw new WorkerException("gave up after " + abortsInARow + " aborted transactions in a row; the last: "
                    + KafkaClients.reason(cause), cause);
        }
    }

    private void abort(Exception cause) throws WorkerException {
        if (!inTransaction) return;
        try {
            untilAnswered("aborting", producer::abortTransaction);
        } catch (KafkaException e) {
            e.addSuppressed(cause);
            throw fatal(e);
        } finally {
            inTransaction = false;
            sendFailure = null;
        }
        stats.aborts.incrementAndGet();
    }

    /** Drops what is pending and seeks each partition still assigned (but not {@code gone}) to its first uncommitted offset. */
    private void rewind(Collection<TopicPartition> gone) {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        uncommitted.forEach((tp, offset) -> {
            if (assigned.contains(tp) && !gone.contains(tp)) consumer.seek(tp, offset);
        });
        for (Entry e : pending) if (e.frame() != null) pool.release(e.frame());
        pending.clear();
        handled.clear();
        uncommitted.clear();
        stats.rewinds.incrementAndGet();
    }

    private void abortQuietly() {
        try {
            if (inTransaction) {
                inTransaction = false;
                producer.abortTransaction();
                stats.aborts.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.warn("derain worker: could not abort the open transaction (the broker aborts it after {} s): {}",
                    settings.transactionTimeout().toSeconds(), KafkaClients.reason(e));
        }
        for (Entry e : pending) if (e.frame() != null) pool.release(e.frame());
        pending.clear();
    }

    private static boolean isFatal(KafkaException e) {
        return e instanceof ProducerFencedException || e instanceof FencedInstanceIdException
                || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException;
    }

    private WorkerException fatal(KafkaException e) {
        String what = e instanceof ProducerFencedException
                ? "fenced: another worker took over transactional.id " + settings.transactionalId()
                : KafkaClients.reason(e);
        return new WorkerException(settings.output() + ": " + what, e);
    }

    private void throwListenerFailure() throws WorkerException {
        RuntimeException f = listenerFailure;
        if (f == null) return;
        listenerFailure = null;
        if (f instanceof WrappedWorkerException w) throw w.failure;
        throw f;
    }

    /** Carries a WorkerException out of the rebalance listener. */
    private static final class WrappedWorkerException extends RuntimeException {
        final WorkerException failure;

        WrappedWorkerException(WorkerException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }

    /** Finishes the open transaction before partitions go, so their next owner starts from committed offsets. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || (!inTransaction && pending.isEmpty())) return;
            try {
                drain();
            } catch (WorkerException e) {
                listenerFailure = new WrappedWorkerException(e);
            } catch (RuntimeException e) {
                listenerFailure = e;
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group moved on without us: these offsets can no longer be committed.
            try {
                abort(new IllegalStateException("partitions lost"));
            } catch (WorkerException e) {
                listenerFailure = new WrappedWorkerException(e);
            }
            rewind(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
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
        try {
            producer.close(settings.closeTimeout());
        } catch (RuntimeException e) {
            LOG.warn("derain worker: closing the producer: {}", KafkaClients.reason(e));
        }
        codec.close();
        finished.countDown();
    }
}
