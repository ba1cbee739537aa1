package io.derain.pipeline.kafka;

import io.derain.operators.frame.FrameMetadata;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.source.FramePool;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record format: key = camera id (UTF-8), value = one encoded frame, headers = {@link FrameHeaders}.
 * Decoding checks everything before it allocates or decodes (headers, the image's own declared size, end
 * markers), so a poison record costs a {@link FrameRejectedException} that names its position and the
 * problem in one line, never a crash or a huge allocation.
 *
 * <p>Not thread-safe (it keeps native buffers): one per thread; {@link #close()} frees them.
 */
public final class FrameRecordCodec implements AutoCloseable {
    /** Largest width or height accepted by default: 8K, with room. */
    public static final int DEFAULT_MAX_SIDE = 8192;

    private final FrameEncoding encoding;
    private final ModelStamp model;
    private final int maxSide;
    private final FrameImages images;

    /**
     * @param encoding how {@link #encode} encodes values (decoding reads whichever codec a record names)
     * @param model    what {@link #encode} writes into the model headers
     * @param maxSide  the largest width or height {@link #decode} accepts
     */
    public FrameRecordCodec(FrameEncoding encoding, ModelStamp model, int maxSide) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.model = Objects.requireNonNull(model, "model");
        if (maxSide < 1) throw new IllegalArgumentException("maxSide must be positive");
        this.maxSide = maxSide;
        this.images = new FrameImages(encoding);
    }

    /** A codec for reading, with the default size limit. */
    public static FrameRecordCodec forReading() {
        return new FrameRecordCodec(FrameEncoding.DEFAULT, ModelStamp.NONE, DEFAULT_MAX_SIDE);
    }

    public FrameEncoding encoding() { return encoding; }

    /** The record of one frame for {@code topic}, keyed by {@code camera}, to any partition the key picks. */
    public ProducerRecord<byte[], byte[]> encode(String topic, String camera, VideoFrame frame) {
        RecordHeaders headers = new RecordHeaders();
        FrameHeaders.write(headers, frame, encoding.codec(), model);
        byte[] value = images.encode(frame, encoding.codec());
        return new ProducerRecord<>(topic, null, null, camera.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /**
     * A record's headers, checked (cheap: no image decoding), e.g. to learn a stream's size and rate.
     *
     * @throws FrameRejectedException if they are missing or malformed
     */
    public FrameHeaders headers(ConsumerRecord<byte[], byte[]> record) {
        try {
            return FrameHeaders.read(record.headers(), maxSide);
        } catch (RecordProblem e) {
            throw rejected(record, e.getMessage());
        }
    }

    /**
     * Decodes a record into a frame from {@code pool}: pixels, index and time from the headers, and metadata
     * (camera from the key, capture time, coverage, the record's {@link KafkaPosition}).
     *
     * @throws FrameRejectedException if the record is not a valid frame record; nothing is taken from the pool
     */
    public VideoItem decode(ConsumerRecord<byte[], byte[]> record, FramePool pool) {
        FrameHeaders h;
        try {
            byte[] value = record.value();
            if (value == null || value.length == 0) throw new RecordProblem("empty value (no image)");
            h = FrameHeaders.read(record.headers(), maxSide);
            long size = ImageSize.of(value, h.codec());
            if (ImageSize.width(size) != h.width() || ImageSize.height(size) != h.height()) {
                throw new RecordProblem("size mismatch: headers say " + h.width() + "x" + h.height() + ", the "
                        + h.codec().header() + " image is " + ImageSize.width(size) + "x" + ImageSize.height(size));
            }
            VideoItem item = pool.acquire(h.width(), h.height());
            try {
                images.decode(value, h.codec(), item.frame());
            } catch (RuntimeException e) {
                pool.release(item.frame());
                throw e;
            }
            fill(item.frame(), record, h);
            return item;
        } catch (RecordProblem e) {
            throw rejected(record, e.getMessage());
        }
    }

    private static void fill(VideoFrame frame, ConsumerRecord<byte[], byte[]> record, FrameHeaders h) {
        frame.setIndex(h.index());
        frame.setTimestampMicros(h.ptsMicros());
        frame.setLabel(null);
        FrameMetadata meta = frame.metadata();
        meta.clear();
        meta.setCamera(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        meta.setCaptureTimeMicros(h.captureMicros());
        meta.setDropCoverage(h.coverage());
        meta.setPosition(new KafkaPosition(record.topic(), record.partition(), record.offset()));
    }

    /** The one-line reject of a record: its position and what is wrong. */
    public static FrameRejectedException rejected(ConsumerRecord<?, ?> record, String reason) {
        return new FrameRejectedException("record " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + " rejected: " + reason);
    }

    @Override
    public void close() { images.close(); }
}
