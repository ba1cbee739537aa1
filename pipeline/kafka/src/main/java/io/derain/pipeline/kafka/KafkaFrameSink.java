package io.derain.pipeline.kafka;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SinkCheckpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes frames as records ({@link FrameRecordCodec}) to a topic, keyed by camera, with an idempotent
 * producer and {@code acks=all}: a record is durable once every in-sync replica has it, and retries never
 * duplicate or reorder it.
 *
 * <ul>
 * <li>{@link #write} sends asynchronously; it blocks only while the producer's buffer is full or the
 *     topic's metadata is unknown (a broker down), at most {@code max.block.ms}.
 * <li>{@link #checkpoint()} reports, without blocking, the frames acknowledged so far and the source
 *     position of the last of them.
 * <li>The first failed delivery is fatal: {@link #write}, {@link #checkpoint()} and {@link #commit()} throw it.
 *     Nothing is dropped silently; a frame too large for the producer is refused before it is sent.
 * <li>{@link #commit()} waits until every record is acknowledged or has failed (each within
 *     {@code delivery.timeout.ms}); {@link #close()} after a commit waits for the producer at most the close
 *     timeout, without a commit it abandons what was not sent.
 * </ul>
 * Owns its producer (and the producer's I/O thread).
 */
public final class KafkaFrameSink implements FrameSink {
    private final KafkaSinkSettings settings;
    private static final int DELIVERY_TIMEOUT_MS = 60_000;

    private final KafkaUrl url;
    private final KafkaProducer<byte[], byte[]> producer;
    private final FrameRecordCodec codec;
    private final Deliveries deliveries = new Deliveries();
    private final int maxRequestSize;
    private final long bufferMemory;
    private final CompressionType compression;
    private long written;
    private boolean committed;

    private KafkaFrameSink(KafkaSinkSettings settings, Properties props) {
        this.settings = settings;
        this.url = settings.client().url();
        ProducerConfig config = new ProducerConfig(props);
        this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.bufferMemory = config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG);
        this.compression = CompressionType.forName(config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        this.producer = KafkaClients.producer(props, settings.client());
        this.codec = new FrameRecordCodec(settings.encoding(), settings.model(), Integer.MAX_VALUE);
    }

    /**
     * Checks that the cluster answers and the topic exists (or is created on first use), then opens the
     * producer. A wrong address, a missing topic or bad client properties are an InputException.
     */
    public static KafkaFrameSink open(KafkaSinkSettings settings) throws IOException {
        TopicCheck.describe(settings.client(), settings.connectTimeout(), true);
        return new KafkaFrameSink(settings, producerProperties(settings));
    }

    /**
     * Ours, then the user's settings, then what exactly-once delivery needs. A broker that goes away blocks a
     * send no longer than the connect timeout ({@code max.block.ms}, Kafka's default a minute) and a commit's
     * flush no longer than {@value #DELIVERY_TIMEOUT_MS} ms ({@code delivery.timeout.ms}, Kafka's default two
     * minutes, as long as a stopping job is given), raised where the user's {@code linger.ms} +
     * {@code request.timeout.ms} need more (Kafka refuses less).
     */
    static Properties producerProperties(KafkaSinkSettings settings) {
        String serializer = ByteArraySerializer.class.getName();
        Properties props = settings.client().producer(
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "derain-" + (settings.camera() != null ? settings.camera() : "sink"),
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", // JPEG and PNG do not compress
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(settings.connectTimeout().toMillis()),
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(DELIVERY_TIMEOUT_MS)),
                Map.of(ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serializer));
        ProducerConfig config = new ProducerConfig(props);
        long needed = config.getLong(ProducerConfig.LINGER_MS_CONFIG) + config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) < needed) {
            props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.min(needed, Integer.MAX_VALUE)));
        }
        return props;
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        throwIfFailed();
        String camera = settings.camera() != null ? settings.camera() : frame.metadata().camera();
        if (camera == null) {
            throw new IOException(url + ": " + frame + " has no camera id to key its record with (set the sink's camera)");
        }
        ProducerRecord<byte[], byte[]> record = codec.encode(url.topic(), camera, frame);
        checkSize(record, frame, camera);
        Deliveries.Pending pending = deliveries.add(frame.metadata().position(), frame.index(), camera);
        try {
            producer.send(record, pending);
        } catch (KafkaException e) {
            throw new IOException(url + ": cannot send frame " + frame.index() + " of camera " + camera + ": "
                    + KafkaClients.reason(e), e);
        }
        written++;
    }

    /** Refuses a record the producer would refuse anyway, naming the setting to raise. */
    private void checkSize(ProducerRecord<byte[], byte[]> record, VideoFrame frame, String camera) throws IOException {
        int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, compression,
                record.key(), record.value(), record.headers().toArray());
        String setting = size > maxRequestSize ? ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " (" + maxRequestSize + " bytes)"
                : size > bufferMemory ? ProducerConfig.BUFFER_MEMORY_CONFIG + " (" + bufferMemory + " bytes)" : null;
        if (setting != null) {
            throw new IOException(url + ": frame " + frame.index() + " of camera " + camera + " (" + frame.width() + "x"
                    + frame.height() + " " + settings.encoding().codec().header() + ") is a record of " + size
                    + " bytes, larger than the producer's " + setting + ": raise it in the Kafka client properties"
                    + " (and the topic's max.message.bytes), or publish smaller frames");
        }
    }

    @Override
    public SinkCheckpoint checkpoint() throws IOException {
        throwIfFailed();
        return deliveries.checkpoint();
    }

    /** Waits until every record written is acknowledged; throws the first delivery failure. */
    @Override
    public void commit() throws IOException {
        throwIfFailed();
        try {
            producer.flush(); // returns once each record is acknowledged or failed: bounded by delivery.timeout.ms
        } catch (KafkaException e) {
            throw new IOException(url + ": flushing failed: " + KafkaClients.reason(e), e);
        }
        throwIfFailed();
        int left = deliveries.inFlight();
        if (left > 0) throw new IOException(url + ": " + left + " records still unacknowledged after flushing");
        committed = true;
    }

    /** Frames written so far (sent or being sent). */
    public long written() { return written; }

    private void throwIfFailed() throws IOException {
        Deliveries.Failure failure = deliveries.failure();
        if (failure == null) return;
        Exception cause = failure.cause();
        String hint = cause instanceof RecordTooLargeException
                ? " (the broker refused the record's size: raise the topic's max.message.bytes or publish smaller frames)" : "";
        throw new IOException(url + ": delivery of frame " + failure.frame().frameIndex + " of camera "
                + failure.frame().camera + " failed: " + KafkaClients.reason(cause) + hint, cause);
    }

    @Override
    public void close() {
        try {
            // Without a commit the job failed: abandon what is unsent instead of waiting for it.
            producer.close(committed ? settings.closeTimeout() : Duration.ZERO);
        } finally {
            codec.close();
        }
    }
}
