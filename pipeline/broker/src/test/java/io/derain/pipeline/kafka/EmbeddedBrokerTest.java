package io.derain.pipeline.kafka;

import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's own life: restarts keep data, foreign directories are refused. */
@Tag("kafka")
class EmbeddedBrokerTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRestartOnTheSameDirectoryAndPortKeepsTheRecords(@TempDir Path data) throws Exception {
        List<VideoFrame> clip = KafkaTestFrames.clipFrames(5);
        int port;
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(data))) {
            port = broker.port();
            assertEquals("127.0.0.1:" + port, broker.bootstrap());
            KafkaClientConfig client = KafkaClientConfig.of(broker.url("kept")); // created on first use
            try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam"))) {
                for (VideoFrame f : clip) sink.write(f);
                sink.commit();
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(data).withListen("127.0.0.1", port))) {
            KafkaClientConfig client = KafkaClientConfig.of(broker.url("kept"));
            try (KafkaFrameSource source = KafkaFrameSource.open(KafkaSourceSettings.of(client, "cam"))) {
                for (int i = 0; i < clip.size(); i++) {
                    VideoFrame f = ((VideoItem) source.next()).frame();
                    assertEquals(i, f.index());
                    assertTrue(KafkaTestFrames.lumaPsnr(clip.get(i), f) >= 35);
                }
                assertNull(source.next());
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDeliveryThatFailsAfterWriteReturnedFailsTheNextCall(@TempDir Path data) throws Exception {
        VideoFrame frame = KafkaTestFrames.clipFrames(1).get(0);
        EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(data));
        KafkaClientConfig client = KafkaClientConfig.of(broker.url("doomed"))
                .with("delivery.timeout.ms", "3000").with("request.timeout.ms", "1000").with("linger.ms", "0")
                .with("max.block.ms", "2000"); // a send with no broker waits this long for metadata
        try (KafkaFrameSink sink = KafkaFrameSink.open(KafkaSinkSettings.of(client).withCamera("cam"))) {
            sink.write(frame);
            sink.checkpoint(); // nothing failed yet
            broker.close();
            sink.write(frame); // returns: failures surface from a later call
            IOException e = assertThrows(IOException.class, () -> {
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < end; ) {
                    sink.checkpoint();
                    Thread.sleep(100);
                }
            });
            assertTrue(e.getMessage().contains("delivery of frame 0 of camera cam failed"), e.getMessage());
            assertThrows(IOException.class, sink::commit, "and the commit fails too");
        } finally {
            broker.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aDirectoryWithOtherFilesIsRefused(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("notes.txt"), "mine");
        InputException e = assertThrows(InputException.class, () -> EmbeddedBroker.start(BrokerSettings.of(data)));
        assertTrue(e.getMessage().contains("not a Kafka data directory"), e.getMessage());
    }
}
