package io.derain.pipeline.kafka;

import io.derain.operators.frame.SourcePosition;
import io.derain.pipeline.sink.SinkCheckpoint;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What a sink's producer has acknowledged: the frames in write order, each marked done by its send
 * callback (on the producer's I/O thread). What is durable is the longest prefix of done frames, whatever
 * order partitions answer in; the first failure is kept for the writer's thread to throw.
 *
 * <p>{@link #add} and {@link #checkpoint} are called from the writer's thread only.
 */
final class Deliveries {
    /** One frame's send; the callback Kafka calls once. */
    final class Pending implements Callback {
        final SourcePosition position;
        final long frameIndex;
        final String camera;
        volatile boolean done;

        private Pending(SourcePosition position, long frameIndex, String camera) {
            this.position = position;
            this.frameIndex = frameIndex;
            this.camera = camera;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e != null) failure.compareAndSet(null, new Failure(this, e));
            else done = true;
        }
    }

    /** The first delivery that failed. */
    record Failure(Pending frame, Exception cause) {}

    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private long acknowledged;
    private SourcePosition lastPosition;

    /** Registers a frame about to be sent; pass the result to {@code send} as its callback. */
    Pending add(SourcePosition position, long frameIndex, String camera) {
        trim(); // keeps the queue at the sends in flight, also when nobody checkpoints
        Pending p = new Pending(position, frameIndex, camera);
        inFlight.addLast(p);
        return p;
    }

    /** Frames acknowledged so far (a prefix of those written) and the last one's source position. */
    SinkCheckpoint checkpoint() {
        trim();
        return new SinkCheckpoint(acknowledged, lastPosition);
    }

    /** The first failure, or null. */
    Failure failure() { return failure.get(); }

    /** Sends not yet acknowledged. */
    int inFlight() {
        trim();
        return inFlight.size();
    }

    private void trim() {
        Pending head;
        while ((head = inFlight.peekFirst()) != null && head.done) {
            inFlight.pollFirst();
            acknowledged++;
            lastPosition = head.position;
        }
    }
}
