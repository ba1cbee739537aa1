package io.derain.pipeline.kafka.worker;

import io.derain.pipeline.kafka.worker.FrameWorker.WorkerException;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Finishes the open transaction before partitions go, so their next owner starts from committed offsets, and
 * aborts it when they are lost. It runs inside {@code poll}, which would rethrow a failure wrapped in a
 * {@code KafkaException}; so it keeps its failure, unwrapped, for the loop to {@link #throwFailure() throw}
 * after the poll. Owns nothing: the consumer, transaction and pending records are the {@link FrameWorker}'s.
 */
final class WorkerRebalance implements ConsumerRebalanceListener {
    /** The worker's drain: everything pending derained, the open transaction committed. */
    interface Drain {
        void run() throws WorkerException;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final WorkerTransaction transaction;
    private final PendingRecords pending;
    private final Drain drain;
    /** A WorkerException or a RuntimeException, from the last poll's callbacks. */
    private Exception failure;

    WorkerRebalance(Consumer<byte[], byte[]> consumer, WorkerTransaction transaction, PendingRecords pending, Drain drain) {
        this.consumer = consumer;
        this.transaction = transaction;
        this.pending = pending;
        this.drain = drain;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || (!transaction.isOpen() && pending.isEmpty())) return;
        try {
            drain.run();
        } catch (RuntimeException e) { // a WorkerException among them
            failure = e;
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // The group moved on without us: these offsets can no longer be committed.
        try {
            transaction.abort(new IllegalStateException("partitions lost"));
        } catch (WorkerException e) {
            failure = e;
        }
        pending.rewind(consumer, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    /** Throws (once) what the listener failed with during the last poll, if anything. */
    void throwFailure() throws WorkerException {
        Exception f = failure;
        if (f == null) return;
        failure = null;
        if (f instanceof WorkerException w) throw w;
        throw (RuntimeException) f;
    }
}
