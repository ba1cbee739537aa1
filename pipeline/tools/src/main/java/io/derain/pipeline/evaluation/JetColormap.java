package io.derain.pipeline.evaluation;

/**
 * Reads values back from pictures drawn with the jet colormap (MATLAB's and matplotlib's: dark blue 0,
 * blue, cyan, yellow, red, dark red 1), such as the attention maps published as figures. Each colour goes
 * to the value whose jet colour is nearest; colours far from every jet colour but bright (the white rims
 * that resampling the figures leaves around saturated drops) count as 1. A 32³ table of quantised colours
 * makes a look-up per pixel.
 */
public final class JetColormap {
    private static final int LEVELS = 32;
    private static final float[] TABLE = table();

    private JetColormap() {}

    /** The value 0..1 that jet maps to the colour nearest (r, g, b), 0..255 each. */
    public static float value(int r, int g, int b) {
        return TABLE[((r >> 3) * LEVELS + (g >> 3)) * LEVELS + (b >> 3)];
    }

    /** Jet's colour for {@code v} in [0, 1], channels 0..1 as {r, g, b}. */
    static double[] colour(double v) {
        return new double[] {ramp(v - 0.75), ramp(v - 0.5), ramp(v - 0.25)};
    }

    /** One channel of jet: a trapezoid of width 0.75 around 0 rising and falling over 0.25 each. */
    private static double ramp(double x) {
        return Math.max(0, Math.min(1, Math.min(4 * x + 1.5, -4 * x + 1.5)));
    }

    private static float[] table() {
        int samples = 256;
        double[][] jet = new double[samples][];
        for (int i = 0; i < samples; i++) jet[i] = colour(i / (samples - 1.0));
        float[] t = new float[LEVELS * LEVELS * LEVELS];
        for (int r = 0; r < LEVELS; r++) {
            for (int g = 0; g < LEVELS; g++) {
                for (int b = 0; b < LEVELS; b++) {
                    double cr = (r + 0.5) / LEVELS, cg = (g + 0.5) / LEVELS, cb = (b + 0.5) / LEVELS;
                    double best = Double.MAX_VALUE;
                    int at = 0;
                    for (int i = 0; i < samples; i++) {
                        double dr = cr - jet[i][0], dg = cg - jet[i][1], db = cb - jet[i][2];
                        double d = dr * dr + dg * dg + db * db;
                        if (d < best) {
                            best = d;
                            at = i;
                        }
                    }
                    boolean brightOutlier = best > 0.15 && cr + cg + cb > 2.2;
                    t[(r * LEVELS + g) * LEVELS + b] = brightOutlier ? 1f : at / (samples - 1f);
                }
            }
        }
        return t;
    }
}
