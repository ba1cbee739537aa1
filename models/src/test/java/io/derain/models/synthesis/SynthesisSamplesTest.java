package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.setNumThreads;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes sample frames to target/synthesis-samples for looking at (compare with the real photos in
 * shared/data/real-rain/input), and checks the steady-state render time.
 */
class SynthesisSamplesTest {
    private static final int W = 640, H = 360;

    @ParameterizedTest
    @EnumSource(RainStyle.class)
    void writesSamplesAndRendersQuickly(RainStyle style) {
        File dir = new File("target/synthesis-samples");
        dir.mkdirs();
        // The budget is for one core: keep OpenCV from spreading the work over threads.
        setNumThreads(1);
        byte[] clean = TestScenes.scene(W, H);
        byte[] rainy = new byte[clean.length], mask = new byte[W * H];
        try (RainSimulation rain = new RainSimulation(RainSettings.defaults(style), 7)) {
            long best = Long.MAX_VALUE, total = 0;
            for (int f = 0; f <= 60; f++) {
                long t0 = System.nanoTime();
                rain.next(ByteBuffer.wrap(clean), W, H, ByteBuffer.wrap(rainy), ByteBuffer.wrap(mask), null);
                long took = System.nanoTime() - t0;
                best = Math.min(best, took);
                if (f >= 30) total += took;
                if (f % 30 == 0) {
                    write(new File(dir, style.name().toLowerCase() + "_" + f + ".png"), rainy, CV_8UC3);
                    write(new File(dir, style.name().toLowerCase() + "_" + f + "_mask.png"), mask, CV_8UC1);
                }
            }
            System.out.printf("%s: best frame %.2f ms, mean of frames 30-60 %.2f ms, %d drops%n",
                    style, best / 1e6, total / 31 / 1e6, rain.field().drops().size());
            assertTrue(best < 20_000_000L, "a 640x360 frame must render well under 20 ms, took " + best / 1e6);
        }
    }

    private static void write(File file, byte[] data, int type) {
        try (BytePointer p = new BytePointer(data); Mat m = new Mat(H, W, type, p)) {
            imwrite(file.getPath(), m);
        }
    }
}
