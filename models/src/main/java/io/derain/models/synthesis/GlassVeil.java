package io.derain.models.synthesis;

import java.util.SplittableRandom;

/**
 * The wet-glass veil: the film of water on a lens or windshield scatters light over the whole picture,
 * so real rainy frames are brighter and lower in contrast everywhere, not only under the drops
 * (Qian et al.'s real pairs keep 0.79–0.87 of the clean contrast and are lifted by 8–22 % of full scale). Rendered as {@code out = in · (1 − v) + v · L}: strength {@code v}
 * varying smoothly across the frame (the film is uneven), airlight {@code L} a slightly tinted level above
 * the frame's mean brightness.
 *
 * <p>One veil is drawn per simulation (a video keeps its veil, as glass does over seconds); its airlight
 * follows each frame's brightness. Not thread-safe; allocation-free per frame.
 */
public final class GlassVeil {
    private final double strength;
    private final double lift;
    private final double[] tint = new double[3];
    private final double gradientX;
    private final double gradientY;
    private final float[] airlight = new float[3];

    /**
     * @param strength the veil's mean strength v, 0 (none) to 0.9
     * @param rng      draws the airlight's lift and tint and the veil's gradient
     */
    public GlassVeil(double strength, SplittableRandom rng) {
        if (!(strength >= 0 && strength <= 0.9)) throw new IllegalArgumentException("veil strength must be in [0, 0.9]: " + strength);
        this.strength = strength;
        this.lift = 0.15 + 0.3 * rng.nextDouble();
        for (int c = 0; c < 3; c++) tint[c] = 1 + 0.06 * (rng.nextDouble() - 0.5);
        this.gradientX = 0.6 * (rng.nextDouble() - 0.5);
        this.gradientY = 0.6 * (rng.nextDouble() - 0.5);
    }

    public double strength() { return strength; }

    /** Veils {@code frame} (BGR24, row-major, no padding) in place. */
    public void apply(byte[] frame, int width, int height) {
        if (strength == 0) return;
        long sum = 0;
        for (byte b : frame) sum += b & 0xff;
        double mean = sum / (double) frame.length;
        double level = Math.min(245, mean + lift * 255);
        for (int c = 0; c < 3; c++) airlight[c] = (float) Math.min(255, level * tint[c]);
        for (int y = 0; y < height; y++) {
            double rowV = strength * (1 + gradientY * (y / (double) height - 0.5));
            for (int x = 0, i = y * width * 3; x < width; x++, i += 3) {
                float v = (float) Math.max(0, Math.min(0.95, rowV + strength * gradientX * (x / (double) width - 0.5)));
                float keep = 1 - v;
                for (int c = 0; c < 3; c++) {
                    int out = (int) ((frame[i + c] & 0xff) * keep + airlight[c] * v + 0.5f);
                    frame[i + c] = (byte) Math.min(255, out);
                }
            }
        }
    }
}
