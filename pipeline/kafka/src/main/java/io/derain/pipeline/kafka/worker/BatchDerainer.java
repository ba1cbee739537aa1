package io.derain.pipeline.kafka.worker;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.kafka.FrameRecordCodec;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.kafka.worker.FrameWorker.WorkerException;
import io.derain.pipeline.kafka.worker.PendingRecords.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Runs a taken batch of records through the operator (one call per frame size, in chunks of the operator's
 * {@code maxBatch}) and sends each derained frame to the output topic, or the record to the
 * {@link DeadLetters}, in the open transaction, marking each record handled.
 *
 * <p>Owns its {@link DeadLetters}, and nothing that needs closing: the operator is the caller's, the codec and
 * transaction the {@link FrameWorker}'s; the batch's frames go back to {@link PendingRecords} when done.
 */
final class BatchDerainer {
    private final WorkerSettings settings;
    private final FrameOperator operator;
    private final FrameRecordCodec codec;
    private final PendingRecords pending;
    private final WorkerTransaction transaction;
    private final DeadLetters deadLetters;
    private final WorkerStats stats;

    BatchDerainer(WorkerSettings settings, FrameOperator operator, FrameRecordCodec codec, PendingRecords pending,
                  WorkerTransaction transaction, WorkerStats stats) {
        this.settings = settings;
        this.operator = operator;
        this.codec = codec;
        this.pending = pending;
        this.transaction = transaction;
        this.deadLetters = new DeadLetters(settings.dlqTopic(), transaction, stats);
        this.stats = stats;
    }

    /**
     * Derains {@code batch} and sends it in the open transaction.
     *
     * @return null when all was sent; else the abortable send failure, for the caller to abort and rewind
     * @throws WorkerException when the operator fails or a send fails fatally
     */
    KafkaException derain(List<Entry> batch) throws WorkerException {
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
            pending.release(batch);
            throw new WorkerException("the operator failed: " + KafkaClients.reason(e), e);
        }
        if (frames > 0) stats.batch(frames);
        try {
            for (Entry e : batch) {
                if (e.frame() != null) {
                    send(e);
                } else {
                    deadLetters.send(e.record(), e.problem());
                }
                transaction.handled(e.partition(), e.record().offset());
            }
        } catch (KafkaException e) {
            transaction.throwIfFatal(e);
            pending.release(batch);
            return e;
        }
        pending.release(batch);
        return null;
    }

    /** The derained frame to the output topic; one too large for the producer is a dead letter instead. */
    private void send(Entry e) {
        VideoFrame frame = e.frame();
        String camera = frame.metadata().camera();
        ProducerRecord<byte[], byte[]> out = codec.encode(settings.output().topic(), camera, frame);
        int size = transaction.sizeOf(out);
        if (size > transaction.maxRequestSize()) {
            deadLetters.send(e.record(), FrameRecordCodec.rejected(e.record(), "its derained record of " + size
                    + " bytes is larger than the producer's " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " ("
                    + transaction.maxRequestSize() + " bytes)").getMessage());
            return;
        }
        transaction.send(out);
        stats.frameOut(camera);
    }
}
