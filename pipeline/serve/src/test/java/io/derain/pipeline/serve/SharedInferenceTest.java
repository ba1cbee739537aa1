package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.runtime.PipelineSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SharedInferenceTest {

    /** Marks each frame it ran (pixel 1 = 200) and records each batch's cameras (pixel 0) and sizes. */
    static final class Recorder implements FrameOperator {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void apply(List<VideoFrame> batch) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (VideoFrame f : batch) {
                if (!f.sameSizeAs(batch.get(0))) throw new AssertionError("mixed sizes in one batch");
                if ((f.pixels().get(2) & 0xff) == 66) throw new IllegalStateException("poisoned frame of camera " + f.pixels().get(0));
            }
            List<Integer> cameras = new ArrayList<>();
            for (VideoFrame f : batch) {
                cameras.add((int) f.pixels().get(0));
                f.pixels().put(1, (byte) 200);
            }
            batches.add(cameras);
        }

        @Override
        public int maxBatch() { return 8; }

        @Override
        public void close() {}
    }

    private static VideoFrame frame(int camera, int width) {
        VideoFrame f = new VideoFrame(width, 16);
        f.pixels().put(0, (byte) camera);
        return f;
    }

    @Test
    void framesOfSeveralCamerasAreInferredTogetherAndComeBackToTheirOwn() throws Exception {
        Recorder op = new Recorder();
        op.gate = new CountDownLatch(1);
        ExecutorService cameras = Executors.newFixedThreadPool(4);
        try (SharedInference shared = new SharedInference(op, 4, Duration.ofMillis(50), PipelineSettings.DAEMON_THREADS)) {
            // The first frame goes in alone (it waited 50 ms); the operator is held while three more cameras arrive.
            List<Future<VideoFrame>> results = new ArrayList<>();
            for (int c = 1; c <= 4; c++) {
                int camera = c;
                results.add(cameras.submit(() -> {
                    VideoFrame f = frame(camera, 32);
                    shared.forCamera("cam" + camera).apply(List.of(f));
                    return f;
                }));
                if (c == 1) Thread.sleep(200);
            }
            Thread.sleep(300);
            op.gate.countDown();
            for (int c = 1; c <= 4; c++) {
                VideoFrame f = results.get(c - 1).get(10, TimeUnit.SECONDS);
                assertEquals(c, f.pixels().get(0), "each camera gets its own frame back");
                assertEquals((byte) 200, f.pixels().get(1), "inferred");
            }
            assertEquals(2, op.batches.size(), op.batches.toString());
            assertEquals(3, op.batches.get(1).size(), "the three that waited together ran together: " + op.batches);
            assertEquals(4, shared.frames());
        } finally {
            cameras.shutdownNow();
        }
    }

    @Test
    void aBusyCameraNeverHasTwoFramesInOneBatchAndSizesNeverMix() throws Exception {
        Recorder op = new Recorder();
        ExecutorService cameras = Executors.newFixedThreadPool(3);
        try (SharedInference shared = new SharedInference(op, 8, Duration.ofMillis(5), PipelineSettings.DAEMON_THREADS)) {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int c = 1; c <= 3; c++) {
                int camera = c;
                int width = c == 3 ? 48 : 32; // camera 3 sends another size
                runs.add(cameras.submit(() -> {
                    CameraInference view = shared.forCamera("cam" + camera);
                    for (int i = 0; i < 40; i++) {
                        VideoFrame f = frame(camera, width);
                        view.apply(List.of(f));
                        if (f.pixels().get(1) != (byte) 200) throw new AssertionError("frame not inferred");
                    }
                    return 40;
                }));
            }
            for (Future<Integer> run : runs) assertEquals(40, run.get(30, TimeUnit.SECONDS));
            synchronized (op.batches) {
                for (List<Integer> batch : op.batches) {
                    assertEquals(batch.stream().distinct().count(), batch.size(), "one frame per camera: " + batch);
                    assertFalse(batch.contains(3) && batch.size() > 1, "camera 3's size runs alone: " + batch);
                }
            }
            assertEquals(120, shared.frames());
        } finally {
            cameras.shutdownNow();
        }
    }

    @Test
    void aFrameTheModelFailsOnFailsOnlyItsOwnCamera() throws Exception {
        Recorder op = new Recorder();
        op.gate = new CountDownLatch(1);
        ExecutorService cameras = Executors.newFixedThreadPool(2);
        try (SharedInference shared = new SharedInference(op, 2, Duration.ofSeconds(5), PipelineSettings.DAEMON_THREADS)) {
            VideoFrame good = frame(1, 32), bad = frame(2, 32);
            bad.pixels().put(2, (byte) 66);
            Future<?> a = cameras.submit(() -> shared.forCamera("cam1").apply(List.of(good)));
            Future<?> b = cameras.submit(() -> shared.forCamera("cam2").apply(List.of(bad)));
            op.gate.countDown();
            a.get(10, TimeUnit.SECONDS);
            assertEquals((byte) 200, good.pixels().get(1), "the good camera's frame was inferred alone after the batch failed");
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> b.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("poisoned"), e.toString());
            assertEquals(1, shared.failures());
        } finally {
            cameras.shutdownNow();
        }
    }

    @Test
    void aStuckModelIsReportedAndClosingEndsTheWaits() throws Exception {
        Recorder op = new Recorder();
        op.gate = new CountDownLatch(1);
        ExecutorService cameras = Executors.newFixedThreadPool(1);
        SharedInference shared = new SharedInference(op, 1, Duration.ZERO, PipelineSettings.DAEMON_THREADS);
        try {
            Future<?> waiting = cameras.submit(() -> shared.forCamera("cam1").apply(List.of(frame(1, 32))));
            Thread.sleep(300);
            assertTrue(shared.stalled(Duration.ofMillis(100)), "a batch held in the model for 300 ms");
            assertFalse(shared.stalled(Duration.ofSeconds(30)));
            op.gate.countDown();
            waiting.get(10, TimeUnit.SECONDS);
            assertFalse(shared.stalled(Duration.ofMillis(100)), "nothing in the model, nothing waiting");
            // A camera waiting while the shared inference closes gets an error, not an endless wait.
            op.gate = new CountDownLatch(1);
            Future<?> second = cameras.submit(() -> shared.forCamera("cam1").apply(List.of(frame(1, 32))));
            Thread.sleep(200);
            op.gate.countDown();
            second.get(10, TimeUnit.SECONDS);
        } finally {
            shared.close();
            cameras.shutdownNow();
        }
        assertThrows(IllegalStateException.class, () -> shared.forCamera("late").apply(List.of(frame(1, 32))));
    }
}
