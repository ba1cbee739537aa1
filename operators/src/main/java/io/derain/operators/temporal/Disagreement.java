package io.derain.operators.temporal;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * How far a warped previous frame disagrees with the current one, judged where the current one can be
 * trusted: |current − warped| over clear pixels, averaged over a box around each pixel (so a drop is judged
 * by its surroundings) and in total (a cut). Work-size grey pictures; buffers reused per size.
 */
final class Disagreement implements AutoCloseable {
    private final Mat weighted = new Mat();
    private final Mat weights = new Mat();
    private final Mat blurredWeighted = new Mat();
    private final Mat blurredWeights = new Mat();
    private float[] error = new float[0];
    private float[] weight = new float[0];
    private byte[] local = new byte[0];

    /**
     * @param drops  non-zero where the current frame shows a drop (not trusted)
     * @param out    receives the local disagreement, 8-bit grey levels (allocated as needed)
     * @return the mean disagreement over all clear pixels, in grey levels
     */
    double measure(Mat current, Mat warped, byte[] drops, int w, int h, int kernel, Mat out) {
        int n = w * h;
        if (error.length < n) {
            error = new float[n];
            weight = new float[n];
            local = new byte[n];
        }
        ByteBuffer c = current.data().capacity(n).asByteBuffer(), p = warped.data().capacity(n).asByteBuffer();
        double total = 0;
        long clear = 0;
        for (int i = 0; i < n; i++) {
            boolean trusted = drops[i] == 0;
            float e = Math.abs((c.get(i) & 0xff) - (p.get(i) & 0xff));
            weight[i] = trusted ? 1f : 0f;
            error[i] = trusted ? e : 0f;
            if (trusted) {
                total += e;
                clear++;
            }
        }
        weighted.create(h, w, CV_32FC1);
        weights.create(h, w, CV_32FC1);
        new FloatPointer(weighted.data()).put(error, 0, n);
        new FloatPointer(weights.data()).put(weight, 0, n);
        try (Size k = new Size(kernel | 1, kernel | 1); Point anchor = new Point(-1, -1)) {
            blur(weighted, blurredWeighted, k, anchor, BORDER_REPLICATE);
            blur(weights, blurredWeights, k, anchor, BORDER_REPLICATE);
        }
        FloatPointer be = new FloatPointer(blurredWeighted.data()), bw = new FloatPointer(blurredWeights.data());
        for (int i = 0; i < n; i++) {
            float s = bw.get(i);
            // No clear pixel around at all: nothing to vouch for the warp.
            float v = s > 1e-3f ? be.get(i) / s : 255f;
            local[i] = (byte) Math.min(255, Math.round(v));
        }
        out.create(h, w, CV_8UC1);
        out.data().put(local, 0, n);
        return clear == 0 ? Double.POSITIVE_INFINITY : total / clear;
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {weighted, weights, blurredWeighted, blurredWeights}) m.close();
    }
}
