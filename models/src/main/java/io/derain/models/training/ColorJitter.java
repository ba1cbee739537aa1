package io.derain.models.training;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Photometric augmentation of a clean picture before drops are rendered onto it: exposure, gamma, white
 * balance, saturation and, now and then, swapped colour channels. Two dashcam clips show roads under grey
 * skies; real photos show white walls, red roofs and green gardens. Without this the generator learns to
 * "restore" drops into the colours of the training roads (dark blotches on a bright wall). The drops then
 * refract the jittered scene, so rainy, clean and mask stay consistent.
 *
 * <p>Per-channel curves are lookup tables, so a frame costs one table look-up per byte plus the saturation
 * blend. The instance keeps its tables and is not thread-safe.
 */
public final class ColorJitter {
    /** Channel orders for BGR24 input; the first is the identity. */
    private static final int[][] ORDERS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    private final byte[][] curves = new byte[3][256];

    /**
     * Writes a jittered copy of {@code clean} (BGR24, {@code pixels} pixels) to {@code out}, with parameters
     * drawn from {@code rng}.
     */
    public void apply(ByteBuffer clean, ByteBuffer out, int pixels, SplittableRandom rng) {
        double exposure = Math.exp(uniform(rng, Math.log(0.6), Math.log(1.5)));
        double gamma = Math.exp(uniform(rng, Math.log(0.7), Math.log(1.4)));
        double saturation = uniform(rng, 0.5, 1.5);
        int[] order = rng.nextDouble() < 0.3 ? ORDERS[1 + rng.nextInt(ORDERS.length - 1)] : ORDERS[0];
        for (int c = 0; c < 3; c++) {
            double gain = exposure * uniform(rng, 0.9, 1.1); // white balance
            for (int v = 0; v < 256; v++) {
                curves[c][v] = (byte) clamp(255.0 * gain * Math.pow(v / 255.0, gamma));
            }
        }
        for (int p = 0, i = 0; p < pixels; p++, i += 3) {
            int b = curves[0][clean.get(i + order[0]) & 0xFF] & 0xFF;
            int g = curves[1][clean.get(i + order[1]) & 0xFF] & 0xFF;
            int r = curves[2][clean.get(i + order[2]) & 0xFF] & 0xFF;
            double grey = 0.114 * b + 0.587 * g + 0.299 * r;
            out.put(i, (byte) clamp(grey + saturation * (b - grey)));
            out.put(i + 1, (byte) clamp(grey + saturation * (g - grey)));
            out.put(i + 2, (byte) clamp(grey + saturation * (r - grey)));
        }
    }

    private static double uniform(SplittableRandom rng, double from, double to) {
        return from + (to - from) * rng.nextDouble();
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
