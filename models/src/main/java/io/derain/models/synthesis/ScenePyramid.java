package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The clean scene at full, half, quarter ... size, so that a drop showing a strongly minified view of a wide
 * part of the scene samples a level whose pixels are as large as its own footprint (no aliasing sparkle).
 * Bilinear samples; coordinates outside the frame are mirrored (the drop looks past the frame's edge, and a
 * mirror is the least wrong guess at what is there), except above it, which fades into a sky: the top rows'
 * colour lifted towards white (drops take in a wide cone, and real ones are bright with the sky's light). Buffers are reused for frames of one size.
 */
final class ScenePyramid implements AutoCloseable {
    static final int LEVELS = 6;

    private final Mat[] mats = new Mat[LEVELS];
    private final Size[] sizes = new Size[LEVELS];
    private final byte[][] pixels = new byte[LEVELS][];
    private final int[] widths = new int[LEVELS];
    private final int[] heights = new int[LEVELS];
    /** Result of the last {@link #sample}: blue, green, red in levels 0..255. */
    float b, g, r;
    /** What lies above the frame: the top rows' colour lifted towards white (the sky a wide drop view takes in). */
    private final float[] sky = new float[3];

    ScenePyramid() {
        for (int l = 0; l < LEVELS; l++) mats[l] = new Mat();
    }

    /** Rebuilds the levels from {@code scene} (BGR24 of width × height). */
    void build(byte[] scene, int width, int height) {
        if (widths[0] != width || heights[0] != height) allocate(width, height);
        pixels[0] = scene;
        mats[0].data().put(scene, 0, scene.length);
        for (int l = 1; l < LEVELS; l++) {
            resize(mats[l - 1], mats[l], sizes[l], 0, 0, INTER_AREA);
            mats[l].data().get(pixels[l], 0, pixels[l].length);
        }
        int l = LEVELS - 1, w = widths[l];
        byte[] top = pixels[l];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int x = 0; x < w; x++) sum += top[3 * x + c] & 0xff;
            float mean = (float) (sum / w);
            sky[c] = mean + 0.4f * (255 - mean);
        }
    }

    private void allocate(int width, int height) {
        for (int l = 0; l < LEVELS; l++) {
            widths[l] = l == 0 ? width : Math.max(1, (widths[l - 1] + 1) / 2);
            heights[l] = l == 0 ? height : Math.max(1, (heights[l - 1] + 1) / 2);
            if (sizes[l] != null) sizes[l].close();
            sizes[l] = new Size(widths[l], heights[l]);
            mats[l].create(heights[l], widths[l], CV_8UC3);
            if (l > 0) pixels[l] = new byte[widths[l] * heights[l] * 3];
        }
    }

    /** Samples level {@code level} at full-resolution pixel coordinates (x, y) into {@link #b}, {@link #g}, {@link #r}. */
    void sample(int level, double x, double y) {
        double scale = 1.0 / (1 << level);
        int w = widths[level], h = heights[level];
        double sx = mirror((x + 0.5) * scale - 0.5, w), sy = mirror((y + 0.5) * scale - 0.5, h);
        int x0 = (int) sx, y0 = (int) sy;
        int x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
        float fx = (float) (sx - x0), fy = (float) (sy - y0);
        byte[] p = pixels[level];
        int a = 3 * (y0 * w + x0), bb = 3 * (y0 * w + x1), c = 3 * (y1 * w + x0), d = 3 * (y1 * w + x1);
        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        b = (p[a] & 0xff) * w00 + (p[bb] & 0xff) * w01 + (p[c] & 0xff) * w10 + (p[d] & 0xff) * w11;
        g = (p[a + 1] & 0xff) * w00 + (p[bb + 1] & 0xff) * w01 + (p[c + 1] & 0xff) * w10 + (p[d + 1] & 0xff) * w11;
        r = (p[a + 2] & 0xff) * w00 + (p[bb + 2] & 0xff) * w01 + (p[c + 2] & 0xff) * w10 + (p[d + 2] & 0xff) * w11;
        if (y < 0) {
            // Above the frame: towards the sky, fully a tenth of the frame's height up.
            float t = (float) Math.min(1, -y / (0.1 * heights[0]));
            b += t * (sky[0] - b);
            g += t * (sky[1] - g);
            r += t * (sky[2] - r);
        }
    }

    /** Mean brightness (0..255) of the coarsest level around full-resolution (x, y). */
    float localMean(double x, double y) {
        sample(LEVELS - 1, x, y);
        return 0.114f * b + 0.587f * g + 0.299f * r;
    }

    /** Mean brightness (0..255) of the whole frame, from the coarsest level. */
    float meanLuma() {
        int l = LEVELS - 1, n = widths[l] * heights[l];
        byte[] p = pixels[l];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += 0.114 * (p[3 * i] & 0xff) + 0.587 * (p[3 * i + 1] & 0xff) + 0.299 * (p[3 * i + 2] & 0xff);
        return (float) (sum / n);
    }

    /** Mirrors a coordinate into [0, n − 1] (reflect-101, repeated for coordinates far outside). */
    private static double mirror(double v, int n) {
        if (n == 1) return 0;
        double period = 2.0 * (n - 1);
        v = v % period;
        if (v < 0) v += period;
        return v > n - 1 ? period - v : v;
    }

    @Override
    public void close() {
        for (Mat m : mats) m.close();
        for (Size s : sizes) if (s != null) s.close();
    }
}
