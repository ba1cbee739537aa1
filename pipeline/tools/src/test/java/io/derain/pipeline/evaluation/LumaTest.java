package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class LumaTest {
    @Test
    void bt601WeightsOnWholeLevels() {
        assertEquals(0, Luma.of(0, 0, 0));
        assertEquals(255, Luma.of(255, 255, 255));
        assertEquals(76, Luma.of(0, 0, 255));   // 0.299 * 255 = 76.2
        assertEquals(150, Luma.of(0, 255, 0));  // 0.587 * 255 = 149.7
        assertEquals(29, Luma.of(255, 0, 0));   // 0.114 * 255 = 29.1
        assertEquals(100, Luma.of(100, 100, 100), "grey stays grey");
    }

    @Test
    void matchesOpenCvYCrCbExactly() {
        int w = 37, h = 23, stride = w * 3 + 5; // padded rows
        byte[] bytes = new byte[stride * h];
        new Random(3).nextBytes(bytes);
        double[] y = new double[w * h];
        Luma.of(ByteBuffer.wrap(bytes), w, h, stride, y);
        try (BytePointer data = new BytePointer(bytes);
             Mat bgr = new Mat(h, w, CV_8UC3, data, stride);
             Mat ycrcb = new Mat()) {
            cvtColor(bgr, ycrcb, COLOR_BGR2YCrCb);
            ByteBuffer out = ycrcb.data().capacity(ycrcb.step() * h).asByteBuffer();
            for (int r = 0; r < h; r++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(out.get((int) (r * ycrcb.step() + 3 * x)) & 0xff, (int) y[r * w + x], "pixel " + x + "," + r);
                }
            }
        }
    }
}
