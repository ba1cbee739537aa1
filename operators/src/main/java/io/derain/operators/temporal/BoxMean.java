package io.derain.operators.temporal;

/**
 * The mean of a picture over a (2r+1)² box around each pixel (clipped at the border), by a summed-area table: how
 * the glass layer and the drops-left measure read "the scene's motion around a pixel" from flow lengths. Keeps its
 * table between calls; one thread.
 */
public final class BoxMean {
    private double[] table = new double[0];

    /**
     * @param out where the means go ({@code w·h}, reused when it fits), or null
     * @return {@code out}, or a new array when it did not fit
     */
    public float[] of(float[] v, int w, int h, int r, float[] out) {
        if (out == null || out.length != w * h) out = new float[w * h];
        if (table.length != (w + 1) * (h + 1)) table = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                row += v[y * w + x];
                table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + row;
            }
        }
        for (int y = 0; y < h; y++) {
            int y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
            for (int x = 0; x < w; x++) {
                int x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
                double sum = table[y1 * (w + 1) + x1] - table[y0 * (w + 1) + x1] - table[y1 * (w + 1) + x0] + table[y0 * (w + 1) + x0];
                out[y * w + x] = (float) (sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        return out;
    }
}
