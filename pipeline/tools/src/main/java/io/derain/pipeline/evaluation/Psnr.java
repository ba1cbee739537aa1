package io.derain.pipeline.evaluation;

/**
 * Peak signal-to-noise ratio of two 8-bit planes: 10·log10(255² / MSE) in dB. Identical planes would score
 * infinity; they get {@link #MAX_DB} so that means and JSON stay finite.
 */
public final class Psnr {
    /** The score of identical images (and the cap for nearly identical ones). */
    public static final double MAX_DB = 100;
    private static final double PEAK = 255;

    private Psnr() {}

    /** PSNR of the first {@code n} values of {@code a} against {@code b}. */
    public static double of(double[] a, double[] b, int n) {
        if (n <= 0) throw new IllegalArgumentException("no pixels to compare");
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return fromMse(sum / n);
    }

    public static double fromMse(double mse) {
        if (mse <= 0) return MAX_DB;
        return Math.min(MAX_DB, 10 * Math.log10(PEAK * PEAK / mse));
    }
}
