package io.derain.pipeline.evaluation;

/**
 * How the drops of one photo (or of a whole directory, pooled) look; {@link DropLook} says how each figure is
 * measured. NaN where a figure has nothing to measure (no drops, no clean picture).
 *
 * @param drops             drop regions of at least {@link DropSizes#MIN_AREA} pixels
 * @param dropsPerMegapixel drops per million pixels of picture
 * @param radius            radius percentiles 25, 50, 75, 90 as fractions of the picture height
 * @param coverage          share of the picture that is drop, 0..1
 * @param brightness        mean Y in the drops minus mean Y in the ring around them, levels of 255
 * @param contrast          std of Y in the drops over std of Y in the ring
 * @param darkRim           share of the drops' edge pixels at least 15 levels darker than the ring near them
 * @param edgeWidth         median width of the drops' edges, thousandths of the picture height
 * @param cleanDifference   mean |rainy − (a·clean + b)| in the drops, levels (pairs only)
 * @param veilGain          a of the veil fit (pairs, per photo only)
 * @param veilOffset        b of the veil fit, levels
 */
public record DropLookScore(String name, int drops, double dropsPerMegapixel, double[] radius, double coverage,
                            double brightness, double contrast, double darkRim, double edgeWidth,
                            double cleanDifference, double veilGain, double veilOffset) {
    /** The percentiles {@link #radius} holds. */
    public static final double[] PERCENTILES = {25, 50, 75, 90};

    public DropLookScore {
        radius = radius.clone();
    }

    @Override
    public double[] radius() { return radius.clone(); }
}
