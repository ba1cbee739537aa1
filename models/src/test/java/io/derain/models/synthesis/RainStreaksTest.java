package io.derain.models.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Falling rain: reproducible under a seed, new every frame, covering about what the density asks. */
class RainStreaksTest {
    private static final int W = 320, H = 180;

    private static byte[] grey() {
        byte[] px = new byte[W * H * 3];
        Arrays.fill(px, (byte) 60);
        return px;
    }

    private static double covered(byte[] mask) {
        int n = 0;
        for (byte b : mask) if (b != 0) n++;
        return n / (double) mask.length;
    }

    @Test
    void streaksAreReproducibleAndNewEveryFrame() {
        RainStreaks a = new RainStreaks(0.05, 8), b = new RainStreaks(0.05, 8);
        byte[] a1 = grey(), b1 = grey(), a2 = grey();
        a.render(a1, W, H, null);
        b.render(b1, W, H, null);
        a.render(a2, W, H, null);
        assertArrayEquals(a1, b1, "same seed, same streaks");
        assertFalse(Arrays.equals(a1, a2), "the next frame has other streaks");
    }

    @Test
    void densitySetsTheCoverageAndStreaksAreBrighterThanADarkScene() {
        double previous = 0;
        for (double d : new double[] {0.02, 0.05, 0.12}) {
            byte[] frame = grey(), mask = new byte[W * H];
            new RainStreaks(d, 3).render(frame, W, H, mask);
            double c = covered(mask);
            assertTrue(c > previous && c > 0.5 * d && c < 4 * d, "density " + d + " covers " + c);
            previous = c;
            long brighter = 0;
            for (byte v : frame) if ((v & 0xff) > 60) brighter++;
            assertTrue(brighter > 0, "lit streaks over a dark scene");
        }
    }

    /** A training target marks the streaks with the drops: every pixel the rain altered, outside the drops too. */
    @Test
    void theRendererMarksItsStreaksInAMaskOfDrops() {
        RainSettings settings = RainSettings.defaults(RainStyle.WINDSHIELD).withVeil(0);
        DropField field = new DropField(settings, 4);
        field.step(W, H);
        byte[] clean = grey(), rainy = new byte[W * H * 3], mask = new byte[W * H], plain = new byte[W * H];
        try (RaindropRenderer renderer = new RaindropRenderer(settings)) {
            renderer.render(field, clean, W, H, rainy, plain, null);
            renderer.streaks(new RainStreaks(0.05, 9));
            renderer.render(field, clean, W, H, rainy, mask, null);
            java.nio.ByteBuffer marked = java.nio.ByteBuffer.wrap(mask);
            renderer.markStreaks(marked);
        }
        assertTrue(covered(mask) > covered(plain) + 0.02, "streaks add to the drops: " + covered(plain) + " -> " + covered(mask));
        for (int i = 0; i < W * H; i++) {
            if (plain[i] != 0) assertTrue(mask[i] != 0, "the drops stay marked");
        }
    }
}
