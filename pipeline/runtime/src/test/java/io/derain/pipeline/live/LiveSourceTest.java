package io.derain.pipeline.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LiveSource} against a real RTSP server (gst-rtsp-server) that is killed, restarted and frozen:
 * reconnects, stall detection and wake-ups, each within its deadline.
 */
@Tag("live")
@Timeout(60)
class LiveSourceTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void needsServer() {
        assumeTrue(RtspCamera.available(), "gst-rtsp-server (python3-gi) is not installed");
    }

    private CameraSettings settings(RtspCamera camera) {
        // A short connect timeout: an attempt that lands while the server restarts may hang until it (the
        // default 10 s would make the reconnect time measure that, not the backoff).
        return CameraSettings.of(camera.url()).withStallTimeout(Duration.ofSeconds(2)).withConnectTimeout(Duration.ofSeconds(3))
                .withReconnect(new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(1), -1, 0.2));
    }

    @Test
    void framesCarryTheCameraAndMonotonicCaptureTimes() throws Exception {
        try (RtspCamera camera = RtspCamera.start();
             LiveSource source = LiveSource.open(settings(camera).withCamera("cam7"), events::add, () -> false)) {
            assertEquals(640, source.info().width());
            assertEquals(360, source.info().height());
            assertTrue(source.info().live());
            assertEquals(25, source.info().frameRate(), 0.5);
            long previous = -1;
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                VideoFrame f = frame(source.next());
                assertEquals(i, f.index());
                assertEquals("cam7", f.metadata().camera());
                assertTrue(f.timestampMicros() > previous, "monotonic");
                assertTrue(Math.abs(f.metadata().captureTimeMicros() / 1000 - System.currentTimeMillis()) < 2000,
                        "capture time is now");
                previous = f.timestampMicros();
                source.recycle(f);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds > 1.4, "a camera paces its frames: 50 frames took " + seconds + " s");
        }
    }

    @Test
    void aRestartedServerIsReconnectedAndTheGapKeptInTime() throws Exception {
        try (RtspCamera camera = RtspCamera.start();
             LiveSource source = LiveSource.open(settings(camera), events::add, () -> false)) {
            for (int i = 0; i < 10; i++) source.recycle(frame(source.next()));
            long before = lastTimestamp(source);
            CompletableFuture<Long> back = CompletableFuture.supplyAsync(() -> {
                camera.kill();
                sleep(3000);
                try {
                    camera.restart();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return System.nanoTime();
            });
            // Frames buffered before the kill come first; then next() blocks through the outage.
            VideoFrame next = frame(source.next());
            while (source.stats().reconnects() == 0) {
                long previous = next.index();
                source.recycle(next);
                next = frame(source.next());
                assertEquals(previous + 1, next.index(), "numbered on, across the reconnect too");
            }
            long received = System.nanoTime();
            long serverBack = back.get(20, TimeUnit.SECONDS);
            // At worst one attempt hangs through the restart (3 s connect timeout), then a backoff (≤ 1 s) and a connect.
            assertTrue(received - serverBack < TimeUnit.SECONDS.toNanos(6),
                    "reconnected " + (received - serverBack) / 1e6 + " ms after the server was back");
            assertTrue(source.stats().reconnects() >= 1, events.toString());
            assertTrue(next.timestampMicros() - before > 2_500_000, "the gap stays in the timestamps");
            assertEquals(640, next.width());
        }
    }

    @Test
    void aSilentServerIsDetectedWithinTheStallTimeout() throws Exception {
        try (RtspCamera camera = RtspCamera.start();
             LiveSource source = LiveSource.open(settings(camera), events::add, () -> false)) {
            source.recycle(frame(source.next()));
            camera.freeze();
            long frozen = System.nanoTime();
            // One reader, as in a job: frames still buffered come first, then the read blocks until the stall.
            Thread reader = new Thread(() -> {
                MediaItem item;
                while ((item = next(source)) != null) source.recycle(((VideoItem) item).frame());
            }, "test-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = frozen + TimeUnit.SECONDS.toNanos(4);
            while (source.stats().stalls() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            long detected = System.nanoTime();
            source.wake(); // ends the reconnect attempts against the frozen server
            reader.join(2000);
            assertTrue(!reader.isAlive(), "the reader returned after wake()");
            assertEquals(1, source.stats().stalls(), events.toString());
            assertTrue(detected - frozen <= TimeUnit.SECONDS.toNanos(3), "stall seen after " + (detected - frozen) / 1e6 + " ms");
            camera.thaw();
        }
    }

    @Test
    void wakeEndsAReadBlockedOnASilentServer() throws Exception {
        try (RtspCamera camera = RtspCamera.start();
             LiveSource source = LiveSource.open(settings(camera).withStallTimeout(Duration.ofSeconds(30)), events::add,
                     () -> false)) {
            source.recycle(frame(source.next()));
            camera.freeze();
            CompletableFuture<MediaItem> read = CompletableFuture.supplyAsync(() -> {
                MediaItem item;
                while ((item = next(source)) != null) source.recycle(((VideoItem) item).frame()); // buffered ones
                return null;
            });
            Thread.sleep(1000);
            long woken = System.nanoTime();
            source.wake();
            assertNull(read.get(2, TimeUnit.SECONDS), "next() returns null once woken");
            assertTrue(System.nanoTime() - woken < TimeUnit.SECONDS.toNanos(1));
            camera.thaw();
        }
    }

    @Test
    void aCameraThatNeverAnswersFailsByThePolicyNamingTheUrl() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CameraSettings s = CameraSettings.of("rtsp://127.0.0.1:" + port + "/none")
                .withReconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(200), 2, 0));
        IOException e = assertThrows(IOException.class, () -> LiveSource.open(s, events::add, () -> false));
        assertTrue(e.getMessage().startsWith("rtsp://127.0.0.1:" + port + "/none: "), e.getMessage());
        assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
        // and a stop ends the waiting at once
        CameraSettings forever = s.withReconnect(ReconnectPolicy.forever(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        assertThrows(LiveSource.Stopped.class, () -> LiveSource.open(forever, events::add,
                () -> System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(700)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    }

    private static long lastTimestamp(LiveSource source) throws IOException {
        VideoFrame f = frame(source.next());
        long t = f.timestampMicros();
        source.recycle(f);
        return t;
    }

    private static VideoFrame frame(MediaItem item) {
        assertNotNull(item, "a frame");
        return ((VideoItem) item).frame();
    }

    private static MediaItem next(LiveSource source) {
        try {
            return source.next();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
