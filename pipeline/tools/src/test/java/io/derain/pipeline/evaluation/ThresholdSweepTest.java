package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdSweepTest {

    /** The sweep's mean IoU at each threshold is MaskIoU's, averaged over the images. */
    @Test
    void agreesWithMaskIoUAtEveryThreshold() {
        Random random = new Random(5);
        int pixels = 4000;
        ByteBuffer[] maps = new ByteBuffer[3], masks = new ByteBuffer[3];
        ThresholdSweep sweep = new ThresholdSweep();
        for (int k = 0; k < maps.length; k++) {
            maps[k] = ByteBuffer.allocate(pixels);
            masks[k] = ByteBuffer.allocate(pixels);
            for (int i = 0; i < pixels; i++) {
                boolean drop = random.nextInt(5) == 0;
                masks[k].put(i, (byte) (drop ? 255 : 0));
                // Drops score higher on average, with overlap: the best threshold lies inside the range.
                maps[k].put(i, (byte) Math.min(255, random.nextInt(160) + (drop ? 90 : 0)));
            }
            sweep.add(maps[k], masks[k], pixels);
        }
        assertEquals(3, sweep.images());
        double bestIoU = -1, best = 0;
        for (int step = 1; step <= 20; step++) {
            double t = step / 20.0, sum = 0;
            for (int k = 0; k < maps.length; k++) sum += MaskIoU.of(maps[k], masks[k], pixels, t);
            assertEquals(sum / maps.length, sweep.meanIoU(t), 1e-12, "threshold " + t);
            if (sum / maps.length > bestIoU) {
                bestIoU = sum / maps.length;
                best = t;
            }
        }
        double[] grid = new double[20];
        for (int step = 1; step <= 20; step++) grid[step - 1] = step / 20.0;
        assertEquals(best, sweep.best(grid));
        double chosen = sweep.best(grid);
        assertEquals(true, chosen > 0.1 && chosen < 0.9, "an interior optimum: " + chosen);
    }

    @Test
    void emptyMaskAndEmptyPredictionAgree() {
        ThresholdSweep sweep = new ThresholdSweep();
        sweep.add(ByteBuffer.allocate(10), ByteBuffer.allocate(10), 10);
        assertEquals(1.0, sweep.meanIoU(0.5));
        assertThrows(IllegalStateException.class, () -> new ThresholdSweep().meanIoU(0.5));
    }
}
