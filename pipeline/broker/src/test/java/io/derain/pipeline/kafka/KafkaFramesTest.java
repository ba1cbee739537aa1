package io.derain.pipeline.kafka;

import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.sink.SinkCheckpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sink and source against a real single-node KRaft broker (topics created explicitly: auto-create is off). */
@Tag("kafka")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaFramesTest {
    @TempDir static Path data;
    private static EmbeddedBroker broker;
    private static List<VideoFrame> clip;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(BrokerSettings.of(data).withAutoCreateTopics(false));
        clip = KafkaTestFrames.clipFrames(16);
    }

    @AfterAll
    static void stop() {
        if (broker != null) broker.close();
    }

    @Test
    void framesOfTwoCamerasComeBackPerCameraInOrderWithTheirMetadata() throws Exception {
        String topic = createTopic("two-cameras", 3);
        ModelStamp model = new ModelStamp("lite", "sha256:0123");
        KafkaClientConfig client = KafkaClientConfig.of(broker.url(topic));
        try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withModel(model))) {
            for (int i = 0; i < 30; i++) {
                VideoFrame f = clip.get(i / 2);
                f.metadata().clear();
                f.metadata().setCamera(i % 2 == 0 ? "north" : "south");
                f.metadata().setCaptureTimeMicros(1_000_000L * i);
                f.metadata().setDropCoverage(i / 100.0);
                f.metadata().setPosition(new KafkaPosition("upstream", 0, i));
                sink.write(f);
            }
            sink.commit();
            SinkCheckpoint done = sink.checkpoint();
            assertEquals(30, done.frames());
            assertEquals(new KafkaPosition("upstream", 0, 29), done.lastPosition());
        }

        for (String camera : List.of("north", "south")) {
            int parity = camera.equals("north") ? 0 : 1;
            try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(client, camera))) {
                assertEquals(640, source.info().width());
                assertEquals(360, source.info().height());
                assertEquals(25, source.info().frameRate(), 0.01, "from the time stamps");
                assertEquals(-1, source.info().frameCount());
                List<Long> indexes = new ArrayList<>();
                long lastOffset = -1;
                MediaItem item;
                while ((item = source.next()) != null) {
                    VideoFrame f = ((VideoItem) item).frame();
                    int n = indexes.size();
                    int written = 2 * n + parity;
                    assertEquals(camera, f.metadata().camera());
                    assertEquals(clip.get(n).timestampMicros(), f.timestampMicros());
                    assertEquals(1_000_000L * written, f.metadata().captureTimeMicros());
                    assertEquals(written / 100.0, f.metadata().dropCoverage(), 1e-6);
                    KafkaPosition at = (KafkaPosition) f.metadata().position();
                    assertEquals(source.partition().partition(), at.partition());
                    assertTrue(at.offset() > lastOffset, "offset order");
                    lastOffset = at.offset();
                    double psnr = KafkaTestFrames.lumaPsnr(clip.get(n), f);
                    assertTrue(psnr >= 35, camera + " frame " + n + ": " + psnr + " dB");
                    indexes.add(f.index());
                    source.recycle(f);
                }
                assertEquals(15, indexes.size(), camera + ": only its own frames");
                for (int n = 0; n < 15; n++) assertEquals(n, indexes.get(n), camera + " in order");
            }
        }
    }

    @Test
    void pngFramesComeBackExactly() throws Exception {
        String topic = createTopic("lossless", 1);
        KafkaClientConfig client = KafkaClientConfig.of(broker.url(topic));
        try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam")
                .withEncoding(FrameEncoding.LOSSLESS))) {
            for (int i = 0; i < 3; i++) sink.write(clip.get(i));
            sink.commit();
        }
        try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam"))) {
            for (int i = 0; i < 3; i++) {
                VideoFrame f = ((VideoItem) source.next()).frame();
                assertTrue(KafkaTestFrames.samePixels(clip.get(i), f), "frame " + i);
            }
            assertNull(source.next());
        }
    }

    @Test
    void poisonRecordsAreRejectedOneByOneAndTheGoodOnesStillArrive() throws Exception {
        String topic = createTopic("poison", 1);
        ProducerRecord<byte[], byte[]> good;
        try (FrameRecordCodec codec = new FrameRecordCodec(FrameEncoding.DEFAULT, ModelStamp.NONE, 8192)) {
            good = codec.encode(topic, "cam", clip.get(0));
        }
        byte[] jpeg = good.value();
        byte[] random = new byte[4000];
        new Random(7).nextBytes(random);
        RecordHeaders huge = FrameRecordCodecTest.copy(good.headers());
        huge.remove(FrameHeaders.WIDTH).add(FrameHeaders.WIDTH, "100000".getBytes(StandardCharsets.UTF_8));
        huge.remove(FrameHeaders.HEIGHT).add(FrameHeaders.HEIGHT, "100000".getBytes(StandardCharsets.UTF_8));
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                record(topic, random, good),                                   // 0
                record(topic, jpeg, good),                                     // 1 good
                record(topic, Arrays.copyOf(jpeg, jpeg.length / 3), good),     // 2
                record(topic, new byte[0], good),                              // 3
                new ProducerRecord<>(topic, null, good.key(), jpeg, huge),     // 4
                new ProducerRecord<>(topic, null, good.key(), jpeg, new RecordHeaders()), // 5
                record(topic, jpeg, good));                                    // 6 good
        try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            for (ProducerRecord<byte[], byte[]> r : records) producer.send(r).get(30, TimeUnit.SECONDS);
        }
        KafkaClientConfig client = KafkaClientConfig.of(broker.url(topic));
        List<String> rejects = new ArrayList<>();
        int frames = 0;
        try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam"))) {
            assertEquals(640, source.info().width(), "size from the first good record");
            while (true) {
                try {
                    MediaItem item = source.next();
                    if (item == null) break;
                    frames++;
                } catch (FrameRejectedException e) {
                    rejects.add(e.getMessage());
                }
            }
        }
        assertEquals(2, frames);
        assertEquals(5, rejects.size(), rejects.toString());
        String[] reasons = {"not a JPEG", "truncated JPEG", "empty value", "derain.width=100000 is out of range",
                "missing header derain.version"};
        int[] offsets = {0, 2, 3, 4, 5};
        for (int i = 0; i < reasons.length; i++) {
            String expected = "record " + topic + "-0@" + offsets[i] + " rejected: ";
            assertTrue(rejects.get(i).startsWith(expected) && rejects.get(i).contains(reasons[i]), rejects.get(i));
        }
    }

    @Test
    void aFrameTooLargeForTheProducerIsAnErrorNamingTheSetting() throws Exception {
        String topic = createTopic("oversized", 1);
        KafkaClientConfig client = KafkaClientConfig.of(broker.url(topic)).with("max.request.size", "50000");
        try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam")
                .withEncoding(FrameEncoding.LOSSLESS))) {
            IOException e = assertThrows(IOException.class, () -> sink.write(clip.get(0)));
            assertTrue(e.getMessage().contains("max.request.size (50000 bytes)"), e.getMessage());
            assertEquals(0, sink.written(), "refused before sending");
        }
    }

    /** A job stopped while following a camera that has not published yet ends at once, not after the first-frame timeout. */
    @Test
    void aStopWhileWaitingForTheFirstFrameEndsTheOpeningPromptly() throws Exception {
        String topic = createTopic("not-yet", 1);
        KafkaSourceSettings settings = KafkaSourceSettings.of(KafkaClientConfig.of(broker.url(topic)), "cam")
                .withFollow(true).withFirstFrameTimeout(java.time.Duration.ofHours(1));
        long stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long start = System.nanoTime();
        io.derain.pipeline.source.SourceStopped e = assertThrows(io.derain.pipeline.source.SourceStopped.class,
                () -> KafkaFrameSource.open(settings, () -> System.nanoTime() - stopAt > 0).close());
        assertTrue(e.getMessage().contains("stopped before the first frame of camera 'cam'"), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "ended promptly");
    }

    @Test
    void followingWaitsForNewFramesAndWakeEndsThePollPromptly() throws Exception {
        String topic = createTopic("follow", 1);
        KafkaClientConfig client = KafkaClientConfig.of(broker.url(topic));
        try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam"))) {
            sink.write(clip.get(0));
            sink.commit();
        }
        try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam").withFollow(true))) {
            assertNotNull(source.next());
            try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam"))) {
                sink.write(clip.get(1));
                sink.commit();
            }
            VideoFrame second = ((VideoItem) source.next()).frame();
            assertEquals(1, second.index(), "a frame published after opening");
            CompletableFuture<MediaItem> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.next();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500);
            assertTrue(!blocked.isDone(), "following waits for more");
            long woke = System.nanoTime();
            source.wake();
            assertNull(blocked.get(5, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - woke);
            assertTrue(ms < 1000, "wake ended the poll after " + ms + " ms");
        }
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnlyOnOneNode() throws Exception {
        // What the worker builds on: transactions need the single-replica transaction state the broker sets up.
        String topic = createTopic("transactions", 1);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "derain-test-tx");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (FrameRecordCodec codec = new FrameRecordCodec(FrameEncoding.DEFAULT, ModelStamp.NONE, 8192);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(codec.encode(topic, "cam", clip.get(0)));
            producer.send(codec.encode(topic, "cam", clip.get(1)));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(codec.encode(topic, "cam", clip.get(2)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(codec.encode(topic, "cam", clip.get(3)));
            producer.commitTransaction();
        }
        List<Long> indexes = new ArrayList<>();
        try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(KafkaClientConfig.of(broker.url(topic)), "cam"))) {
            MediaItem item;
            while ((item = source.next()) != null) indexes.add(((VideoItem) item).frame().index());
        }
        assertEquals(List.of(0L, 1L, 3L), indexes, "the aborted frame 2 is never seen");
    }

    @Test
    void anUnknownTopicIsBadInputWhenTheClusterDoesNotCreateTopics() {
        KafkaClientConfig client = KafkaClientConfig.of(broker.url("no-such-topic"));
        InputException read = assertThrows(InputException.class,
                () -> KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam")));
        assertTrue(read.getMessage().contains("topic 'no-such-topic' does not exist"), read.getMessage());
        InputException write = assertThrows(InputException.class,
                () -> KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam")));
        assertTrue(write.getMessage().contains("does not create topics"), write.getMessage());
    }

    @Test
    void noBrokerAtTheAddressIsBadInputWithinThirtySeconds() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        KafkaClientConfig client = KafkaClientConfig.of(KafkaUrl.parse("kafka://127.0.0.1:" + closed + "/frames"));
        long start = System.nanoTime();
        InputException read = assertThrows(InputException.class,
                () -> KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam")));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 30, "took " + seconds + " s");
        assertEquals("kafka://127.0.0.1:" + closed + "/frames: no Kafka broker answered at 127.0.0.1:" + closed
                + " within 15 s", read.getMessage());
        InputException write = assertThrows(InputException.class, () -> KafkaFrameSink.open(
                KafkaSinkSettings.of(client).withCamera("cam").withConnectTimeout(Duration.ofSeconds(2))));
        assertTrue(write.getMessage().contains("no Kafka broker answered"), write.getMessage());
    }

    private static String createTopic(String name, int partitions) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrap());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, byte[] value, ProducerRecord<byte[], byte[]> like) {
        return new ProducerRecord<>(topic, null, like.key(), value, FrameRecordCodecTest.copy(like.headers()));
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
