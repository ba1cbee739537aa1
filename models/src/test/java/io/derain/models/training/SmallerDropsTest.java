package io.derain.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SyntheticPairs#withSmallerDrops}: the same pictures and crops, drops smaller (more edge per drop pixel). */
class SmallerDropsTest {
    private static final int SIDE = 256, CROP = 128, BATCH = 24;

    private static List<CleanImage> scenes() {
        return TrainingScenes.gradient(SIDE);
    }

    /** Mask pixels whose right neighbour differs, per mask pixel: higher for smaller drops. */
    private static double edgePerDropPixel(ByteBuffer mask) {
        long area = 0, edges = 0;
        for (int s = 0; s < BATCH; s++) {
            for (int y = 0; y < CROP; y++) {
                for (int x = 0; x < CROP; x++) {
                    int i = (s * CROP + y) * CROP + x;
                    boolean drop = mask.get(i) != 0;
                    if (drop) area++;
                    if (x + 1 < CROP && drop != (mask.get(i + 1) != 0)) edges++;
                }
            }
        }
        assertTrue(area > 0, "no drops drawn");
        return edges / (double) area;
    }

    @Test
    void halfTheSamplesGetSmallerDropsOnTheSameCrops() {
        try (SyntheticPairs styles = new SyntheticPairs(scenes(), 9, false, 0);
             SyntheticPairs small = new SyntheticPairs(scenes(), 9, false, 0).withSmallerDrops(0.3)) {
            SyntheticPairs.Crops a = styles.crops(2, BATCH, CROP);
            double styleEdges = edgePerDropPixel(a.mask());
            ByteBuffer styleClean = ByteBuffer.allocate(a.clean().remaining()).put(a.clean()).flip();
            SyntheticPairs.Crops b = small.crops(2, BATCH, CROP);
            assertEquals(styleClean, b.clean(), "the same pictures and crops");
            double smallEdges = edgePerDropPixel(b.mask());
            assertTrue(smallEdges > 1.1 * styleEdges, "edge per drop pixel: " + smallEdges + " vs " + styleEdges);
        }
        assertThrows(IllegalArgumentException.class, () -> new SyntheticPairs(scenes(), 9, false, 0).withSmallerDrops(0));
    }
}
