package io.derain.pipeline.evaluation;

import io.derain.pipeline.sink.AttentionMapSink;
import java.nio.ByteBuffer;

/**
 * Intersection over union of a predicted attention map and a ground-truth drop mask. The map (0..255 for
 * 0..1) counts as "drop" where it reaches the threshold T, i.e. byte ≥ ⌈255·T⌉ (T = 0.5: byte ≥ 128);
 * the mask where its byte is above 127. Two empty sets agree perfectly: IoU 1.
 */
public final class MaskIoU {
    private MaskIoU() {}

    /** The attention byte from which a pixel counts as drop, for threshold {@code t} in (0, 1]. */
    public static int thresholdByte(double t) {
        return AttentionMapSink.thresholdByte(t);
    }

    /** IoU over the first {@code pixels} bytes of both buffers (absolute reads: positions don't matter). */
    public static double of(ByteBuffer attention, ByteBuffer mask, int pixels, double threshold) {
        int on = thresholdByte(threshold);
        long both = 0, either = 0;
        for (int i = 0; i < pixels; i++) {
            boolean predicted = (attention.get(i) & 0xff) >= on;
            boolean truth = (mask.get(i) & 0xff) > 127;
            if (predicted && truth) both++;
            if (predicted || truth) either++;
        }
        return either == 0 ? 1.0 : (double) both / either;
    }
}
