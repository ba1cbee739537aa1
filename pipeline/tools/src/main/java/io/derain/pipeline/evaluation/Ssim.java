package io.derain.pipeline.evaluation;

/**
 * Mean structural similarity of two 8-bit planes as in the reference implementation of Wang et al.
 * (ssim_index.m, IEEE TIP 2004): an 11×11 Gaussian window with σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255,
 * local statistics over 'valid' windows only (no padding), no downsampling, and the mean of the map.
 *
 * <p>The Gaussian is separable, so statistics are filtered along rows into reused scratch planes and
 * then down columns. Not thread-safe: one instance per evaluating thread.
 */
public final class Ssim {
    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5;
    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final double[] KERNEL = gaussian(WINDOW, SIGMA);

    /** Row-filtered a, b, a², b², ab. */
    private double[] ra = new double[0], rb = ra, raa = ra, rbb = ra, rab = ra;

    /** SSIM of {@code a} against {@code b}, both width*height, row-major; at least 11×11. */
    public double of(double[] a, double[] b, int width, int height) {
        if (width < WINDOW || height < WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + WINDOW + "x" + WINDOW + " pixels, got "
                    + width + "x" + height);
        }
        int ow = width - WINDOW + 1, oh = height - WINDOW + 1;
        filterRows(a, b, width, height, ow);
        double sum = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int k = 0, i = y * ow + x; k < WINDOW; k++, i += ow) {
                    double w = KERNEL[k];
                    ma += w * ra[i];
                    mb += w * rb[i];
                    saa += w * raa[i];
                    sbb += w * rbb[i];
                    sab += w * rab[i];
                }
                double va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb;
                sum += (2 * ma * mb + C1) * (2 * cov + C2) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            }
        }
        return sum / ((double) ow * oh);
    }

    private void filterRows(double[] a, double[] b, int width, int height, int ow) {
        int n = ow * height;
        if (ra.length < n) {
            ra = new double[n];
            rb = new double[n];
            raa = new double[n];
            rbb = new double[n];
            rab = new double[n];
        }
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < ow; x++) {
                double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
                for (int k = 0; k < WINDOW; k++) {
                    double w = KERNEL[k], va = a[row + x + k], vb = b[row + x + k];
                    sa += w * va;
                    sb += w * vb;
                    saa += w * va * va;
                    sbb += w * vb * vb;
                    sab += w * va * vb;
                }
                int o = y * ow + x;
                ra[o] = sa;
                rb[o] = sb;
                raa[o] = saa;
                rbb[o] = sbb;
                rab[o] = sab;
            }
        }
    }

    /** MATLAB's fspecial('gaussian') in one dimension: the 2-D window is its outer product. */
    static double[] gaussian(int size, double sigma) {
        double[] k = new double[size];
        double centre = (size - 1) / 2.0, sum = 0;
        for (int i = 0; i < size; i++) {
            double d = i - centre;
            k[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) k[i] /= sum;
        return k;
    }
}
