package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Drop sizes from binary maps, and values read back from jet colours. */
class DropSizesTest {
    @Test
    void discsAreMeasuredByTheirRadiusAsAFractionOfTheHeight() {
        int w = 200, h = 100;
        byte[] map = new byte[w * h];
        disc(map, w, 40, 50, 10);
        disc(map, w, 140, 50, 20);
        map[5] = 1; // a single pixel is noise
        DropSizes sizes = new DropSizes();
        sizes.add(map, w, h);
        assertEquals(2, sizes.count());
        assertEquals(0.10, sizes.percentile(0), 0.005);
        assertEquals(0.20, sizes.percentile(100), 0.005);
        assertTrue(sizes.describe().startsWith("2 drops"), sizes.describe());
    }

    @Test
    void jetColoursGiveBackTheirValues() {
        for (double v = 0; v <= 1; v += 0.05) {
            double[] c = JetColormap.colour(v);
            float back = JetColormap.value((int) Math.round(255 * c[0]), (int) Math.round(255 * c[1]), (int) Math.round(255 * c[2]));
            assertEquals(v, back, 0.04, "jet(" + v + ")");
        }
    }

    private static void disc(byte[] map, int w, int cx, int cy, int r) {
        for (int y = cy - r; y <= cy + r; y++) {
            for (int x = cx - r; x <= cx + r; x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) map[y * w + x] = 1;
            }
        }
    }
}
