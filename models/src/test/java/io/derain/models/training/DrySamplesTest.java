package io.derain.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SyntheticPairs#withDryShare}: a share of the samples has no rain, the rest keeps its rain. */
class DrySamplesTest {
    private static final int SIDE = 256, CROP = 96, BATCH = 40;

    private static List<CleanImage> scenes() {
        return TrainingScenes.gradient(SIDE);
    }

    private static boolean sameSlot(ByteBuffer a, ByteBuffer b, int slot, int bytes) {
        return a.slice(slot * bytes, bytes).equals(b.slice(slot * bytes, bytes));
    }

    private static boolean emptyMask(ByteBuffer mask, int slot) {
        for (int i = slot * CROP * CROP, end = i + CROP * CROP; i < end; i++) if (mask.get(i) != 0) return false;
        return true;
    }

    @Test
    void drySamplesComeBackUnchangedWithAnEmptyMapAndTheOthersAreRainy() {
        int dry = 0, rainy = 0;
        try (SyntheticPairs pairs = new SyntheticPairs(scenes(), 5, false, 0.3).withStreaks(0.1).withDryShare(0.3)) {
            SyntheticPairs.Crops c = pairs.crops(3, BATCH, CROP);
            for (int s = 0; s < BATCH; s++) {
                boolean same = sameSlot(c.rainy(), c.clean(), s, CROP * CROP * 3);
                if (same) {
                    assertTrue(emptyMask(c.mask(), s), "a dry sample's map is empty: sample " + s);
                    dry++;
                } else {
                    rainy++;
                }
            }
        }
        // 40 draws at 0.3: 12 expected; a fair bound that fails if the share is ignored or inverted.
        assertTrue(dry >= 4 && dry <= 22, "dry samples: " + dry + " of " + BATCH);
        assertEquals(BATCH, dry + rainy);
    }

    @Test
    void withoutDrySamplesEverySampleIsRainedOn() {
        try (SyntheticPairs pairs = new SyntheticPairs(scenes(), 5, false, 0.3).withStreaks(0.1)) {
            SyntheticPairs.Crops c = pairs.crops(3, BATCH, CROP);
            for (int s = 0; s < BATCH; s++) {
                assertTrue(!sameSlot(c.rainy(), c.clean(), s, CROP * CROP * 3), "sample " + s + " has rain");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new SyntheticPairs(scenes(), 5).withDryShare(1));
    }
}
