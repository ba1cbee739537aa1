package io.derain.models.generator;

/**
 * How a tensor's values map to 8 bits: {@code value = scale · (q − zeroPoint)}, q in 0..255. Chosen from the
 * range a calibration pass observed at that point of the network.
 */
record Quantization(double scale, long zeroPoint) {
    /** The quantization that covers [min, max] (widened to hold 0, which must stay exact). */
    static Quantization covering(double min, double max) {
        double lo = Math.min(min, 0), hi = Math.max(max, 0);
        double scale = Math.max(hi - lo, 1e-6) / 255;
        long zero = Math.max(0, Math.min(255, Math.round(-lo / scale)));
        return new Quantization(scale, zero);
    }
}
