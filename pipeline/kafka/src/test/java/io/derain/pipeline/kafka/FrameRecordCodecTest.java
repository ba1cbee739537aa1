package io.derain.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.source.FramePool;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The record format without a broker: round trips and every kind of poison record. */
@Tag("kafka")
class FrameRecordCodecTest {
    private static VideoFrame original;

    @BeforeAll
    static void frame() throws Exception {
        original = KafkaTestFrames.clipFrames(1).get(0);
        original.metadata().setCaptureTimeMicros(1_700_000_000_000_000L);
        original.metadata().setDropCoverage(0.125);
        original.metadata().setPosition(new KafkaPosition("frames.raw", 2, 41));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void jpegRoundTripIsWithinJpegLossAndCarriesEveryHeader() {
        ModelStamp model = new ModelStamp("lite", "sha256:abc");
        try (FrameRecordCodec codec = new FrameRecordCodec(FrameEncoding.DEFAULT, model, 8192)) {
            ProducerRecord<byte[], byte[]> out = codec.encode("frames", "cam-1", original);
            assertEquals("cam-1", new String(out.key(), StandardCharsets.UTF_8));
            assertEquals("1", header(out.headers(), FrameHeaders.VERSION));
            assertEquals("jpeg", header(out.headers(), FrameHeaders.CODEC));
            assertEquals("lite", header(out.headers(), FrameHeaders.MODEL));
            assertEquals("sha256:abc", header(out.headers(), FrameHeaders.WEIGHTS));
            assertEquals("frames.raw-2@41", header(out.headers(), FrameHeaders.SOURCE));
            assertEquals("0.125000", header(out.headers(), FrameHeaders.COVERAGE));

            VideoFrame back = codec.decode(consumed(out, 7), new FramePool()).frame();
            assertEquals(640, back.width());
            assertEquals(360, back.height());
            assertEquals(original.index(), back.index());
            assertEquals(original.timestampMicros(), back.timestampMicros());
            assertEquals("cam-1", back.metadata().camera());
            assertEquals(1_700_000_000_000_000L, back.metadata().captureTimeMicros());
            assertEquals(0.125, back.metadata().dropCoverage(), 1e-9);
            assertEquals(new KafkaPosition("frames", 0, 7), back.metadata().position());
            double psnr = KafkaTestFrames.lumaPsnr(original, back);
            assertTrue(psnr >= 35, "luminance PSNR " + psnr + " dB");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pngRoundTripIsExactAndUnknownValuesStayAbsent() throws Exception {
        VideoFrame plain = KafkaTestFrames.clipFrames(2).get(1);
        try (FrameRecordCodec codec = new FrameRecordCodec(FrameEncoding.LOSSLESS, ModelStamp.NONE, 8192)) {
            ProducerRecord<byte[], byte[]> out = codec.encode("frames", "cam", plain);
            for (String absent : List.of(FrameHeaders.CAPTURE, FrameHeaders.COVERAGE, FrameHeaders.MODEL,
                    FrameHeaders.WEIGHTS, FrameHeaders.SOURCE)) {
                assertNull(out.headers().lastHeader(absent), absent);
            }
            VideoFrame back = codec.decode(consumed(out, 0), new FramePool()).frame();
            assertTrue(KafkaTestFrames.samePixels(plain, back), "PNG is lossless");
            assertTrue(Double.isNaN(back.metadata().dropCoverage()));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyKindOfPoisonIsRejectedWithItsPositionAndReason() {
        try (FrameRecordCodec codec = FrameRecordCodec.forReading();
             FrameRecordCodec writer = new FrameRecordCodec(FrameEncoding.DEFAULT, ModelStamp.NONE, 8192)) {
            ProducerRecord<byte[], byte[]> good = writer.encode("frames", "cam", original);
            byte[] jpeg = good.value();
            byte[] random = new byte[5000];
            new Random(1).nextBytes(random);

            assertRejected(codec, poison(good, random, null), "frames-0@3", "not a JPEG");
            assertRejected(codec, poison(good, Arrays.copyOf(jpeg, jpeg.length / 2), null), "frames-0@3", "truncated JPEG");
            assertRejected(codec, poison(good, new byte[0], null), "frames-0@3", "empty value");
            assertRejected(codec, poison(good, null, null), "frames-0@3", "empty value");
            RecordHeaders huge = copy(good.headers());
            huge.remove(FrameHeaders.WIDTH).add(FrameHeaders.WIDTH, "100000".getBytes(StandardCharsets.UTF_8));
            huge.remove(FrameHeaders.HEIGHT).add(FrameHeaders.HEIGHT, "100000".getBytes(StandardCharsets.UTF_8));
            assertRejected(codec, poison(good, jpeg, huge), "frames-0@3", "derain.width=100000 is out of range");
            assertRejected(codec, poison(good, jpeg, new RecordHeaders()), "frames-0@3", "missing header derain.version");
            RecordHeaders garbled = copy(good.headers());
            garbled.remove(FrameHeaders.PTS).add(FrameHeaders.PTS, "soon".getBytes(StandardCharsets.UTF_8));
            assertRejected(codec, poison(good, jpeg, garbled), "frames-0@3", "derain.pts.us='soon' is not a whole number");
            RecordHeaders smaller = copy(good.headers());
            smaller.remove(FrameHeaders.WIDTH).add(FrameHeaders.WIDTH, "320".getBytes(StandardCharsets.UTF_8));
            assertRejected(codec, poison(good, jpeg, smaller), "frames-0@3", "size mismatch");
            RecordHeaders png = copy(good.headers());
            png.remove(FrameHeaders.CODEC).add(FrameHeaders.CODEC, "png".getBytes(StandardCharsets.UTF_8));
            assertRejected(codec, poison(good, jpeg, png), "frames-0@3", "not a PNG");
            // and the good record still decodes after all that
            codec.decode(consumed(good, 4), new FramePool());
        }
    }

    @Test
    void positionsPrintAndParseAsTopicPartitionAtOffset() {
        KafkaPosition p = new KafkaPosition("cams-eu-1", 12, 99);
        assertEquals("cams-eu-1-12@99", p.describe());
        assertEquals(p, KafkaPosition.parse(p.describe()));
        assertThrows(IllegalArgumentException.class, () -> KafkaPosition.parse("nonsense"));
    }

    private static void assertRejected(FrameRecordCodec codec, ConsumerRecord<byte[], byte[]> record, String where,
                                       String reason) {
        FramePool pool = new FramePool();
        FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> codec.decode(record, pool));
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(reason), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> r, long offset) {
        return new ConsumerRecord<>(r.topic(), 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(), r.value(),
                copy(r.headers()), Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> poison(ProducerRecord<byte[], byte[]> good, byte[] value,
                                                         Headers headers) {
        return new ConsumerRecord<>(good.topic(), 0, 3, 0L, TimestampType.CREATE_TIME, 0, 0, good.key(), value,
                headers != null ? headers : copy(good.headers()), Optional.empty());
    }

    static RecordHeaders copy(Headers headers) {
        return new RecordHeaders(headers.toArray());
    }

    private static String header(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
