package io.derain.models.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The wet-glass veil brightens the whole frame and lowers its contrast by about its strength. */
class GlassVeilTest {
    private static final int W = 160, H = 90;

    private static byte[] scene() {
        byte[] px = new byte[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            int x = i % W, y = i / W;
            px[3 * i] = (byte) (x * 255 / W);
            px[3 * i + 1] = (byte) (y * 255 / H);
            px[3 * i + 2] = (byte) ((x + y) % 64);
        }
        return px;
    }

    private static double[] meanAndStd(byte[] px) {
        double s = 0, q = 0;
        for (byte b : px) {
            s += b & 0xff;
            q += (b & 0xff) * (double) (b & 0xff);
        }
        double m = s / px.length;
        return new double[] {m, Math.sqrt(q / px.length - m * m)};
    }

    @Test
    void veilLiftsAndFlattensTheWholeFrame() {
        byte[] clean = scene(), veiled = scene();
        new GlassVeil(0.2, new SplittableRandom(4)).apply(veiled, W, H);
        double[] before = meanAndStd(clean), after = meanAndStd(veiled);
        assertTrue(after[0] > before[0] + 10, "brighter: " + before[0] + " -> " + after[0]);
        double contrast = after[1] / before[1];
        assertTrue(contrast > 0.7 && contrast < 0.9, "contrast kept: " + contrast);
        int changed = 0;
        for (int i = 0; i < clean.length; i++) if (clean[i] != veiled[i]) changed++;
        assertTrue(changed > 0.9 * clean.length, "every part of the frame: " + changed + " of " + clean.length);
    }

    @Test
    void aHigherLiftBrightensMoreAtTheSameStrengthAndContrast() {
        byte[] usual = scene(), bright = scene();
        new GlassVeil(0.25, new SplittableRandom(4)).apply(usual, W, H);
        // The same draw (seed) but the lift's range reaching 0.8: the airlight sits higher.
        new GlassVeil(0.25, GlassVeil.MEASURED_MAX_LIFT, new SplittableRandom(4)).apply(bright, W, H);
        double[] u = meanAndStd(usual), b = meanAndStd(bright);
        assertTrue(b[0] > u[0] + 5, "brighter: " + u[0] + " -> " + b[0]);
        assertEquals(u[1], b[1], 0.05 * u[1], "the same loss of contrast");
        assertThrows(IllegalArgumentException.class, () -> new GlassVeil(0.2, 1.2, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new GlassVeil(0.2, 0.1, new SplittableRandom(1)));
    }

    @Test
    void sameDrawSameVeilAndNoneIsNothing() {
        byte[] a = scene(), b = scene(), c = scene();
        new GlassVeil(0.3, new SplittableRandom(9)).apply(a, W, H);
        new GlassVeil(0.3, new SplittableRandom(9)).apply(b, W, H);
        assertArrayEquals(a, b);
        new GlassVeil(0, new SplittableRandom(9)).apply(c, W, H);
        assertArrayEquals(scene(), c);
        assertThrows(IllegalArgumentException.class, () -> new GlassVeil(1.5, new SplittableRandom(1)));
        assertEquals(0.3, new GlassVeil(0.3, new SplittableRandom(1)).strength());
    }
}
