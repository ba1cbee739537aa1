package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.connectedComponentsWithStats;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The sizes of the drops a map shows: each 4-connected region of "drop" pixels is one drop, its size the
 * radius of the circle of its area as a fraction of the picture height (so pictures of any size compare).
 * Regions under {@link #MIN_AREA} pixels are left out as noise. Percentiles over every drop added: how
 * synthetic drops are matched to real ones.
 */
public final class DropSizes {
    /** Smallest region counted, in pixels. */
    static final int MIN_AREA = 4;

    private double[] radii = new double[256];
    private int count;

    /** Adds the drops of a binary map (non-zero = drop), {@code width * height} bytes, row-major. */
    public void add(byte[] binary, int width, int height) {
        try (BytePointer data = new BytePointer(binary);
             Mat map = new Mat(height, width, CV_8UC1, data);
             Mat labels = new Mat(); Mat stats = new Mat(); Mat centroids = new Mat()) {
            int n = connectedComponentsWithStats(map, labels, stats, centroids, 4, org.bytedeco.opencv.global.opencv_core.CV_32S);
            IntPointer s = new IntPointer(stats.data());
            int columns = stats.cols();
            for (int label = 1; label < n; label++) { // 0 is the background
                int area = s.get((long) label * columns + CC_STAT_AREA);
                if (area < MIN_AREA) continue;
                if (count == radii.length) radii = Arrays.copyOf(radii, 2 * count);
                radii[count++] = Math.sqrt(area / Math.PI) / height;
            }
        }
    }

    public int count() { return count; }

    /** The p-th percentile (0..100) of the radii, NaN when there are none. */
    public double percentile(double p) {
        if (count == 0) return Double.NaN;
        double[] sorted = Arrays.copyOf(radii, count);
        Arrays.sort(sorted);
        return sorted[(int) Math.min(count - 1, Math.round(p / 100 * (count - 1)))];
    }

    /** "N drops, radius p25/p50/p75/p90 = a / b / c / d of the height". */
    public String describe() {
        return String.format(Locale.ROOT, "%d drops, radius p25 / p50 / p75 / p90 = %.4f / %.4f / %.4f / %.4f of the height",
                count, percentile(25), percentile(50), percentile(75), percentile(90));
    }
}
