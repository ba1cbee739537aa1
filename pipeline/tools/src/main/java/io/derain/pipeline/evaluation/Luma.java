package io.derain.pipeline.evaluation;

import java.nio.ByteBuffer;

/**
 * The luminance the paper's scores are computed on: Y of YCbCr with the BT.601 weights
 * (0.299 R + 0.587 G + 0.114 B) on 0..255, rounded to whole levels exactly as OpenCV's
 * {@code cvtColor(BGR2YCrCb)} does for 8-bit images (14-bit fixed point), which is what the authors'
 * evaluation script feeds to its PSNR and SSIM.
 */
public final class Luma {
    private static final int SHIFT = 14;
    private static final int R = 4899, G = 9617, B = 1868; // 0.299, 0.587, 0.114 × 2^14, summing to 2^14
    private static final int HALF = 1 << (SHIFT - 1);

    private Luma() {}

    /** Y of one BGR pixel, 0..255. */
    public static int of(int b, int g, int r) {
        return (b * B + g * G + r * R + HALF) >> SHIFT;
    }

    /**
     * Writes the Y plane of a BGR24 picture into {@code y} (at least width*height long), row-major.
     *
     * @param stride bytes per row of {@code bgr}, at least width*3
     */
    public static void of(ByteBuffer bgr, int width, int height, int stride, double[] y) {
        for (int row = 0; row < height; row++) {
            int in = row * stride;
            int out = row * width;
            for (int x = 0; x < width; x++, in += 3) {
                y[out + x] = of(bgr.get(in) & 0xff, bgr.get(in + 1) & 0xff, bgr.get(in + 2) & 0xff);
            }
        }
    }
}
