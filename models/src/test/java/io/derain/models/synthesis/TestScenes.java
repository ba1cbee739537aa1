package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Clean frames for tests: a photo given by -Dderain.synth.background, else a drawn street-like scene. */
final class TestScenes {
    private TestScenes() {}

    /** A continuous BGR24 frame of the given size. */
    static byte[] scene(int width, int height) {
        String path = System.getProperty("derain.synth.background");
        if (path != null && !path.isBlank()) {
            try (Mat img = imread(path); Mat sized = new Mat(); Size size = new Size(width, height)) {
                if (!img.empty()) {
                    resize(img, sized, size, 0, 0, INTER_AREA);
                    byte[] out = new byte[width * height * 3];
                    sized.data().get(out);
                    return out;
                }
            }
        }
        return drawn(width, height);
    }

    /** Sky gradient, dark trees, a grey road with white lane lines, a red box: edges and colours to refract. */
    static byte[] drawn(int width, int height) {
        byte[] out = new byte[width * height * 3];
        int horizon = height * 45 / 100;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int b, g, r;
                if (y < horizon) {
                    double t = (double) y / horizon;
                    b = (int) (235 - 40 * t); g = (int) (200 - 20 * t); r = (int) (150 + 20 * t);
                    double tree = Math.sin(x * 0.05) * 0.5 + Math.sin(x * 0.013 + 1) * 0.5;
                    if (y > horizon - 40 - 30 * tree) { b = 40; g = 90 + (x * 7 + y * 3) % 23; r = 45; }
                } else {
                    double t = (double) (y - horizon) / (height - horizon);
                    int v = (int) (95 + 40 * t) + ((x * 13 + y * 7) % 9);
                    b = v; g = v; r = v;
                    double lane = width / 2.0 + (x - width / 2.0) / Math.max(t, 0.05);
                    if (Math.abs(x - width / 2.0 - (width * 0.3) * t) < 2 + 4 * t
                            || Math.abs(x - width / 2.0 + (width * 0.3) * t) < 2 + 4 * t) {
                        b = g = r = 235;
                    }
                    if (lane < 0) b = v;
                }
                if (x > width * 0.6 && x < width * 0.75 && y > height * 0.35 && y < height * 0.55) {
                    b = 30; g = 30; r = 190;
                }
                int i = 3 * (y * width + x);
                out[i] = (byte) b; out[i + 1] = (byte) g; out[i + 2] = (byte) r;
            }
        }
        return out;
    }
}
