package io.derain.operators.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Forward–backward visibility on a texture panning right by 4 pixels a frame: a pixel whose scene point was
 * still in the previous frame is seen in both; the strip on the left, which has just come in, is not.
 */
class FlowFieldTest {
    private static final int W = 160, H = 120, SHIFT = 4;

    private static VideoFrame frame(int offset) {
        VideoFrame f = new VideoFrame(W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double u = x - offset;
                int v = (int) Math.round(128 + 60 * Math.sin(u / 6.0) * Math.cos(y / 8.0) + 30 * Math.sin((u + 2 * y) / 11.0));
                for (int c = 0; c < 3; c++) f.pixels().put((y * W + x) * 3 + c, (byte) Math.max(0, Math.min(255, v)));
            }
        }
        return f;
    }

    @Test
    void pixelsSeenInBothFramesAreVisibleAndThoseJustComeInAreNot() {
        try (FlowField forward = new FlowField(H, 9); FlowField backward = new FlowField(H, 9);
             Mat current = new Mat(); Mat previous = new Mat(); Mat scratch = new Mat(); Mat noDrops = new Mat(H, W, CV_8UC1)) {
            noDrops.data().fill(0);
            forward.grey(frame(SHIFT).pixels(), W, H, current, scratch);
            forward.grey(frame(0).pixels(), W, H, previous, scratch);
            backward.size(W, H);
            forward.compute(current, previous, noDrops);
            backward.compute(previous, current, noDrops);
            byte[] visible = new byte[W * H];
            forward.visibility(backward, visible);
            int inner = 0, innerSeen = 0, entering = 0, enteringSeen = 0;
            for (int y = 10; y < H - 10; y++) {
                for (int x = 0; x < W; x++) {
                    boolean seen = visible[y * W + x] != 0;
                    if (x < SHIFT / 2) {
                        entering++;
                        if (seen) enteringSeen++;
                    } else if (x >= 16 && x < W - 16) {
                        inner++;
                        if (seen) innerSeen++;
                    }
                }
            }
            assertTrue(innerSeen > 0.95 * inner, "seen in both: " + innerSeen + " of " + inner);
            assertTrue(enteringSeen < 0.5 * entering, "just come in: " + enteringSeen + " of " + entering);
        }
    }
}
