package io.derain.models.synthesis;

import java.util.SplittableRandom;

/**
 * The wet-glass veil: the film of water on a lens or windshield scatters light over the whole picture,
 * so real rainy frames are brighter and lower in contrast everywhere, not only under the drops
 * (Qian et al.'s real pairs keep 0.79–0.87 of the clean contrast and are lifted by 8–22 % of full scale). Rendered as {@code out = in · (1 − v) + v · L}: strength {@code v}
 * varying smoothly across the frame (the film is uneven), airlight {@code L} a slightly tinted level above
 * the frame's mean brightness.
 *
 * <p>The airlight's lift above the frame's mean is drawn from 0.15 to {@link #DEFAULT_MAX_LIFT} of full scale by
 * default. The real pairs' fits {@code rainy = a · clean + b} give {@code L = b / (1 − a)} lifted 0.15, 0.27 and 0.73
 * above their means (the last with a brighter exposure behind the wet glass), so training can draw up to
 * {@link #MEASURED_MAX_LIFT} to cover them.
 *
 * <p>One veil is drawn per simulation (a video keeps its veil, as glass does over seconds); its airlight
 * follows each frame's brightness. Not thread-safe; allocation-free per frame.
 */
public final class GlassVeil {
    /** The airlight's highest lift above the frame's mean by default (fraction of full scale). */
    public static final double DEFAULT_MAX_LIFT = 0.45;
    /** A highest lift that covers the three real pairs' measured veils (class comment). */
    public static final double MEASURED_MAX_LIFT = 0.8;
    /** The lowest lift drawn, and so the lowest highest lift a caller may ask for. */
    public static final double MIN_LIFT = 0.15;

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
        this(strength, DEFAULT_MAX_LIFT, rng);
    }

    /**
     * @param strength the veil's mean strength v, 0 (none) to 0.9
     * @param maxLift  the airlight's highest lift above the frame's mean, 0.15 to 1 of full scale (drawn
     *                 uniformly from 0.15; the level is capped at 245)
     * @param rng      draws the airlight's lift and tint and the veil's gradient
     */
    public GlassVeil(double strength, double maxLift, SplittableRandom rng) {
        if (!(strength >= 0 && strength <= 0.9)) throw new IllegalArgumentException("veil strength must be in [0, 0.9]: " + strength);
        checkMaxLift(maxLift);
        this.strength = strength;
        this.lift = MIN_LIFT + (maxLift - MIN_LIFT) * rng.nextDouble();
        for (int c = 0; c < 3; c++) tint[c] = 1 + 0.06 * (rng.nextDouble() - 0.5);
        this.gradientX = 0.6 * (rng.nextDouble() - 0.5);
        this.gradientY = 0.6 * (rng.nextDouble() - 0.5);
    }

    /** Refuses a highest lift outside [{@link #MIN_LIFT}, 1] (an airlight beyond white). */
    public static void checkMaxLift(double maxLift) {
        if (!(maxLift >= MIN_LIFT && maxLift <= 1)) throw new IllegalArgumentException("veil lift must be in [0.15, 1]: " + maxLift);
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
