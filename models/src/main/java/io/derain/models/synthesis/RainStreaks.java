package io.derain.models.synthesis;

import java.util.SplittableRandom;

/**
 * Falling rain as the camera sees it: thin streaks, motion-blurred along their fall, new in every frame,
 * between the scene and the glass (so drops on the glass refract them too). Their direction is one per job
 * (the wind), each streak varying around it; lengths, widths and brightness vary per streak; they are lit
 * like the scene, a level above its mean brightness, as rain lit by daylight or headlights is.
 *
 * <p>A frame's streaks are drawn from this object's random stream, so the same seed and frames give the
 * same streaks. Not thread-safe; allocation-free per frame.
 */
public final class RainStreaks {
    private final double density;
    private final SplittableRandom random;
    private final double angle;
    /** This frame's streak level: grey-white, with the scene's brightness. */
    private float light;

    /**
     * @param density fraction of the frame the streaks cover (0..0.3: 0.02 drizzle, 0.05 rain, 0.12 a downpour)
     * @param seed    draws the wind's direction and every streak
     */
    public RainStreaks(double density, long seed) {
        if (!(density >= 0 && density <= 0.3)) throw new IllegalArgumentException("streak density must be in [0, 0.3]: " + density);
        this.density = density;
        this.random = new SplittableRandom(seed);
        this.angle = Math.toRadians(40 * (random.nextDouble() - 0.5)); // from vertical
    }

    public double density() { return density; }

    /**
     * Draws one frame's streaks onto {@code frame} (BGR24, row-major, no padding) in place.
     *
     * @param mask width*height bytes set to 255 where a streak alters the frame; may be null
     */
    public void render(byte[] frame, int width, int height, byte[] mask) {
        if (density == 0) return;
        long sum = 0;
        for (byte b : frame) sum += b & 0xff;
        double mean = sum / (double) frame.length;
        light = (float) Math.min(255, mean * 0.6 + 120);
        double meanLength = 0.095 * height, meanWidth = 1.3;
        int count = (int) Math.round(density * width * height / (meanLength * meanWidth));
        for (int s = 0; s < count; s++) streak(frame, width, height, mask);
    }

    private void streak(byte[] frame, int width, int height, byte[] mask) {
        double length = height * (0.04 + 0.11 * random.nextDouble());
        double halfWidth = random.nextDouble() < 0.3 ? 1.0 : 0.6;
        double strength = 0.08 + 0.25 * random.nextDouble();
        double a = angle + 0.08 * (random.nextDouble() - 0.5);
        double dx = Math.sin(a), dy = Math.cos(a);
        double x0 = random.nextDouble() * (width + length) - length / 2, y0 = random.nextDouble() * (height + length) - length;
        int samples = (int) Math.ceil(length * 2);
        for (int k = 0; k <= samples; k++) {
            double t = k / (double) samples;
            // Motion blur: the streak fades in and out along its length.
            double along = strength * Math.sin(Math.PI * t);
            double cx = x0 + dx * length * t, cy = y0 + dy * length * t;
            int px = (int) Math.floor(cx), py = (int) Math.round(cy);
            if (py < 0 || py >= height) continue;
            for (int ox = -1; ox <= 2; ox++) {
                int x = px + ox;
                if (x < 0 || x >= width) continue;
                double d = Math.abs(x + 0.5 - cx);
                float alpha = (float) (along * Math.max(0, 1 - d / (halfWidth + 0.5)) / 2); // two samples per pixel
                if (alpha <= 0) continue;
                int i = (py * width + x) * 3;
                for (int c = 0; c < 3; c++) {
                    float v = frame[i + c] & 0xff;
                    frame[i + c] = (byte) Math.min(255, (int) (v + alpha * (light - v) + 0.5f));
                }
                if (mask != null) mask[py * width + x] = (byte) 255;
            }
        }
    }
}
