package io.derain.pipeline.kafka.worker;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.kafka.FrameRecordCodec;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.source.FramePool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records polled and not yet handled, decoded, in poll order (so each partition's order is kept), and per
 * partition the first offset polled and not committed: where an abort rewinds the consumer to.
 *
 * <p>Owns the frame pool and the frames in the queue (back to the pool when dropped); the frames of a batch
 * {@linkplain #take taken} belong to the taker until it gives them back with {@link #release}. Borrows the
 * {@link FrameWorker}'s codec and operator; closes nothing. On the worker's thread only.
 */
final class PendingRecords {
    // Under the worker's name: its log reads as one component, as it did before the split.
    private static final Logger LOG = LoggerFactory.getLogger(FrameWorker.class);

    /** A polled record: its frame, or why it is not one. */
    record Entry(ConsumerRecord<byte[], byte[]> record, VideoFrame frame, String problem) {
        TopicPartition partition() { return new TopicPartition(record.topic(), record.partition()); }
    }

    private final FrameRecordCodec codec;
    private final FrameOperator operator;
    private final WorkerStats stats;
    private final FramePool pool = new FramePool();
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    /** Per partition, the first offset polled and not committed (where an abort goes back to). */
    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();
    private long firstPendingNanos;

    PendingRecords(FrameRecordCodec codec, FrameOperator operator, WorkerStats stats, int batchSize) {
        this.codec = codec;
        this.operator = operator;
        this.stats = stats;
        pool.expect(2 * batchSize);
    }

    int size() { return pending.size(); }

    boolean isEmpty() { return pending.isEmpty(); }

    /** Something is pending and the oldest has waited at least {@code wait} for its batch. */
    boolean waitedFor(Duration wait) {
        return !pending.isEmpty() && System.nanoTime() - firstPendingNanos >= wait.toNanos();
    }

    /** Decodes one polled record into the queue; a record that is not a frame is queued with the reason. */
    void accept(ConsumerRecord<byte[], byte[]> r) {
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
            } catch (SettingsException e) { // the operator's frame size check
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

    /** Takes the first {@code n} records (fewer if fewer are pending); their frames go back through {@link #release}. */
    List<Entry> take(int n) {
        List<Entry> batch = new ArrayList<>(n);
        for (int i = 0; i < n && !pending.isEmpty(); i++) batch.add(pending.pollFirst());
        if (!pending.isEmpty()) firstPendingNanos = System.nanoTime();
        return batch;
    }

    /** Gives the frames of taken records back to the pool. */
    void release(Collection<Entry> entries) {
        for (Entry e : entries) if (e.frame() != null) pool.release(e.frame());
    }

    /** The open transaction committed: what is still pending is now the first uncommitted. */
    void committed() {
        uncommitted.clear();
        for (Entry e : pending) uncommitted.putIfAbsent(e.partition(), e.record().offset());
    }

    /** Drops what is pending and seeks each partition still assigned (but not {@code gone}) to its first uncommitted offset. */
    void rewind(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> gone) {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        uncommitted.forEach((tp, offset) -> {
            if (assigned.contains(tp) && !gone.contains(tp)) consumer.seek(tp, offset);
        });
        clear();
        uncommitted.clear();
        stats.rewinds.incrementAndGet();
    }

    /** Drops what is pending, its frames back to the pool. */
    void clear() {
        release(pending);
        pending.clear();
    }
}
