package io.derain.pipeline.kafka;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.runtime.Deadline;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.sink.SinkCheckpoint;
import io.derain.pipeline.source.FramePool;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.SourceStopped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's frames from a topic: the records whose key is the camera id, {@code read_committed} (records
 * of aborted or open transactions are never seen), in offset order, from the beginning of the partition the
 * key maps to (Kafka's default partitioner: every record of a key is in that partition), or, with a consumer
 * group in the settings, from after the group's committed offset there.
 *
 * <p>Not following, it reads up to the end offsets taken when it opened and then ends, like a file;
 * following, it keeps reading until {@link #wake()}. Each poll waits at most {@value #POLL_MILLIS} ms and
 * {@code wake()} interrupts it, so {@link #next()} returns promptly when the job stops. A record that is not
 * a valid frame record is a {@link FrameRejectedException} from {@code next()} (the runtime counts it and
 * reads on). Without a group {@code acknowledge} is ignored. With one, it notes the offset after the last
 * durable frame (the encoder's thread calls it) and the consumer's own thread commits it on its next poll and
 * at {@link #close()}, so a restarted follower (a recorder) resumes after what it had made durable instead of
 * replaying the topic. The partition is assigned, not subscribed: the group only stores offsets.
 *
 * <p>Owns its consumer. {@code info()} is taken from the camera's first valid record (size) and the first
 * two (frame rate from their time stamps, else 25); the frame count is not known (-1).
 */
public final class KafkaFrameSource implements FrameSource {
    static final int POLL_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFrameSource.class);
    private static final double DEFAULT_FRAME_RATE = 25;

    private final KafkaSourceSettings settings;
    private final KafkaUrl url;
    private final byte[] key;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long endOffset; // not following: where reading stops (the last stable offset at open)
    private final FrameRecordCodec codec;
    private final FramePool pool = new FramePool();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffered = new ArrayDeque<>();
    private final SourceInfo info;
    private volatile boolean woken;
    private long lastProgressNanos = System.nanoTime();
    private long lastPosition = -1;
    private final AtomicLong durableOffset = new AtomicLong(-1); // next offset to commit; set by acknowledge
    private long committedOffset = -1;

    private KafkaFrameSource(KafkaSourceSettings settings, int partitions, BooleanSupplier stop) throws IOException {
        this.settings = settings;
        this.url = settings.client().url();
        this.key = settings.camera().getBytes(StandardCharsets.UTF_8);
        // Where the default partitioner puts this key (BuiltInPartitioner.partitionForKey).
        this.partition = new TopicPartition(url.topic(), Utils.toPositive(Utils.murmur2(key)) % partitions);
        this.codec = new FrameRecordCodec(FrameEncoding.DEFAULT, ModelStamp.NONE, settings.maxSide());
        this.consumer = KafkaClients.consumer(consumerProperties(settings), settings.client());
        try {
            consumer.assign(List.of(partition));
            OffsetAndMetadata resume = settings.group() == null ? null
                    : consumer.committed(Set.of(partition), settings.connectTimeout()).get(partition);
            if (resume != null) {
                consumer.seek(partition, resume.offset());
                committedOffset = resume.offset();
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
            endOffset = settings.follow() ? Long.MAX_VALUE
                    : consumer.endOffsets(List.of(partition), settings.connectTimeout()).get(partition);
            info = readInfo(stop);
        } catch (RuntimeException | IOException e) {
            closeQuietly();
            if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new InputException(url + ": no answer from the broker within "
                        + settings.connectTimeout().toSeconds() + " s (" + KafkaClients.reason(e) + ")", e);
            }
            throw e;
        }
    }

    /**
     * Checks the broker and the topic (an InputException within the connect timeout if either is not
     * there), then reads until the camera's first valid record to learn the stream's size.
     */
    public static KafkaFrameSource open(KafkaSourceSettings settings) throws IOException {
        return open(settings, () -> false);
    }

    /**
     * Like {@link #open(KafkaSourceSettings)}, giving up with {@link SourceStopped} as soon as {@code stop} says
     * so while it waits for the first frame (a job stopped while following a camera that has not started).
     */
    public static KafkaFrameSource open(KafkaSourceSettings settings, BooleanSupplier stop) throws IOException {
        TopicDescription topic = TopicCheck.describe(settings.client(), settings.connectTimeout(), false);
        return new KafkaFrameSource(settings, topic.partitions().size(), stop);
    }

    static Properties consumerProperties(KafkaSourceSettings settings) {
        String deserializer = ByteArrayDeserializer.class.getName();
        return settings.client().consumer(
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "derain-read-" + settings.camera(),
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        Long.toString(settings.connectTimeout().toMillis())),
                withGroup(settings.group(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer));
    }

    private static Map<String, String> withGroup(String group, String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        if (group != null) m.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return m;
    }

    /** The partition this camera's records are read from. */
    public TopicPartition partition() { return partition; }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        // The stall clock runs only while this call waits: a job that was busy (back-pressure) between two
        // calls did not wait on the broker.
        lastProgressNanos = System.nanoTime();
        while (!woken) {
            ConsumerRecord<byte[], byte[]> record = buffered.pollFirst();
            if (record != null) return codec.decode(record, pool); // a poison record throws FrameRejectedException
            if (!settings.follow() && reachedEnd()) return null;
            if (!fill()) return null;
        }
        return null;
    }

    @Override
    public void recycle(VideoFrame frame) { pool.release(frame); }

    @Override
    public void expectFramesInFlight(int frames) { pool.expect(frames); }

    /** Ends a poll in progress (the consumer's own wakeup) and every later read. */
    @Override
    public void wake() {
        woken = true;
        consumer.wakeup();
    }

    @Override
    public void acknowledge(SinkCheckpoint durable) {
        if (settings.group() != null && durable.lastPosition() instanceof KafkaPosition p && p.partition() == partition.partition()) {
            durableOffset.accumulateAndGet(p.offset() + 1, Math::max);
        }
    }

    @Override
    public void close() {
        woken = true;
        try {
            // The first try may meet the wakeup that wake() left pending; the second then runs.
            if (!commitDurable()) commitDurable();
        } catch (IOException | ConcurrentModificationException e) {
            LOG.warn("{}: the last durable offset was not committed ({}); a restart re-reads from the one before",
                    url, e.getMessage());
        }
        closeQuietly();
    }

    /**
     * Commits the durable offset for the group if it moved; on the consumer's thread (or after it stopped).
     * False if a wakeup interrupted it.
     */
    private boolean commitDurable() throws IOException {
        long offset = durableOffset.get();
        if (offset <= committedOffset) return true;
        try {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)), settings.connectTimeout());
            committedOffset = offset;
            return true;
        } catch (WakeupException e) {
            return false;
        } catch (KafkaException e) {
            throw new IOException(url + ": committing offset " + offset + " of " + partition + " for group "
                    + settings.group() + " failed: " + KafkaClients.reason(e), e);
        }
    }

    /** Polls once, buffering this camera's records; false if woken. */
    private boolean fill() throws IOException {
        if (!commitDurable()) return false;
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(POLL_MILLIS))) {
                if (r.offset() < endOffset && Arrays.equals(r.key(), key)) buffered.addLast(r);
            }
            long position = consumer.position(partition, settings.connectTimeout());
            if (position != lastPosition) {
                lastPosition = position;
                lastProgressNanos = System.nanoTime();
            } else if (!settings.follow() && System.nanoTime() - lastProgressNanos > settings.stallTimeout().toNanos()) {
                throw new IOException(url + ": no data from the broker for " + settings.stallTimeout().toSeconds()
                        + " s, at offset " + position + " of " + endOffset + " in " + partition);
            }
            return true;
        } catch (WakeupException e) {
            return false;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IOException(url + ": the broker did not answer: " + KafkaClients.reason(e), e);
        } catch (KafkaException e) {
            if (woken) return false;
            throw new IOException(url + ": reading " + partition + " failed: " + KafkaClients.reason(e), e);
        }
    }

    private boolean reachedEnd() throws IOException {
        if (!buffered.isEmpty()) return false;
        try {
            return consumer.position(partition, settings.connectTimeout()) >= endOffset;
        } catch (WakeupException e) {
            return true;
        } catch (KafkaException e) {
            throw new IOException(url + ": reading " + partition + " failed: " + KafkaClients.reason(e), e);
        }
    }

    /** Reads until the camera's first record with valid headers; rejects before it stay buffered for next(). */
    private SourceInfo readInfo(BooleanSupplier stop) throws IOException {
        Deadline deadline = Deadline.in(settings.firstFrameTimeout());
        String firstProblem = null;
        int checked = 0;
        while (true) {
            int i = 0;
            for (ConsumerRecord<byte[], byte[]> r : buffered) {
                if (i++ < checked) continue;
                checked++;
                try {
                    FrameHeaders first = codec.headers(r);
                    return new SourceInfo(url + " camera " + settings.camera(), first.width(), first.height(),
                            frameRate(r, first), -1, null, false);
                } catch (FrameRejectedException e) {
                    if (firstProblem == null) firstProblem = e.getMessage();
                }
            }
            if (!settings.follow() && reachedEnd()) {
                throw new InputException(url + ": no frame records of camera '" + settings.camera() + "' in "
                        + partition + " up to offset " + endOffset
                        + (firstProblem != null ? " (first " + firstProblem + ")" : ""));
            }
            if (stop.getAsBoolean()) {
                throw new SourceStopped(url + ": stopped before the first frame of camera '" + settings.camera() + "' arrived");
            }
            if (settings.follow() && deadline.expired()) {
                throw new InputException(url + ": no frames of camera '" + settings.camera() + "' arrived within "
                        + settings.firstFrameTimeout().toSeconds() + " s");
            }
            if (!fill()) throw new InputException(url + ": stopped before the first frame arrived");
        }
    }

    /** From the time stamps of the first valid record and the next one already read, else 25 fps. */
    private double frameRate(ConsumerRecord<byte[], byte[]> firstRecord, FrameHeaders first) {
        boolean after = false;
        for (ConsumerRecord<byte[], byte[]> r : buffered) {
            if (r == firstRecord) {
                after = true;
                continue;
            }
            if (!after) continue;
            try {
                long delta = codec.headers(r).ptsMicros() - first.ptsMicros();
                return delta > 0 ? Math.min(1000, Math.round(1e9 / delta) / 1000.0) : DEFAULT_FRAME_RATE;
            } catch (FrameRejectedException e) {
                // a poison record between the two: look further
            }
        }
        return DEFAULT_FRAME_RATE;
    }

    private void closeQuietly() {
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                    break;
                } catch (ConcurrentModificationException e) {
                    // A reader left behind is still in poll(): wake it and try again shortly.
                    if (attempt >= 20) break;
                    consumer.wakeup();
                    Thread.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // closing is best effort: the consumer holds no data of ours
        } finally {
            codec.close();
        }
    }
}
