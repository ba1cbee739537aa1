package io.derain.pipeline.evaluation;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The mean attention-map IoU at every threshold at once, for calibrating the level from which a model's
 * map counts as "drop". Per image it counts, for each attention byte value, the pixels inside and outside
 * the mask; the IoU at any threshold then follows from running sums. Same IoU as {@link MaskIoU} (mask
 * byte above 127, map byte at least the threshold byte; two empty sets agree perfectly).
 */
public final class ThresholdSweep {
    private final long[] inside = new long[256];
    private final long[] outside = new long[256];
    /** Sum over images of the IoU with the map thresholded at byte b, for b = 1..255. */
    private final double[] iouSum = new double[256];
    private int images;

    /** Adds one image: its map and mask, {@code pixels} bytes each (absolute reads). */
    public void add(ByteBuffer attention, ByteBuffer mask, int pixels) {
        Arrays.fill(inside, 0);
        Arrays.fill(outside, 0);
        long truth = 0;
        for (int i = 0; i < pixels; i++) {
            int a = attention.get(i) & 0xff;
            if ((mask.get(i) & 0xff) > 127) {
                inside[a]++;
                truth++;
            } else {
                outside[a]++;
            }
        }
        long predictedInside = 0, predictedOutside = 0;
        for (int b = 255; b >= 1; b--) { // predicted = map byte >= b
            predictedInside += inside[b];
            predictedOutside += outside[b];
            long union = truth + predictedOutside;
            iouSum[b] += union == 0 ? 1.0 : (double) predictedInside / union;
        }
        images++;
    }

    public int images() { return images; }

    /** Mean IoU over the images added, with the map thresholded at {@code t} in (0, 1]. */
    public double meanIoU(double t) {
        if (images == 0) throw new IllegalStateException("no images with masks");
        return iouSum[MaskIoU.thresholdByte(t)] / images;
    }

    /** The threshold among {@code candidates} with the highest mean IoU (the lowest one on ties). */
    public double best(double... candidates) {
        double best = Double.NaN, bestIoU = -1;
        for (double t : candidates) {
            double iou = meanIoU(t);
            if (iou > bestIoU) {
                best = t;
                bestIoU = iou;
            }
        }
        return best;
    }
}
