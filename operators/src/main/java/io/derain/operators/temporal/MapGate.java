package io.derain.operators.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;

import io.derain.models.restore.GateSettings;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The model's attention gate ({@link GateSettings}) applied in the temporal stage, on 8-bit pictures, with the
 * map stabilised over time instead of each frame's own: {@code input + clamp(slope · (widen(map) − floor)) ·
 * (restored − input)}, as {@code AttentionGate} does. Gating with the per-frame map makes the gate blink with it,
 * and a blinking gate switches the pixels around a drop between the rainy input and the restoration from frame to frame. Buffers are allocated for the
 * first frame of a size and reused; not thread-safe.
 */
final class MapGate implements AutoCloseable {
    private final GateSettings gate;
    private final Mat map = new Mat();
    private final Mat widened = new Mat();
    private final Mat kernel;
    private byte[] weights = new byte[0];

    MapGate(GateSettings gate) {
        if (!gate.enabled()) throw new IllegalArgumentException("a map gate needs a gated model's settings");
        this.gate = gate;
        try (Size side = new Size(2 * gate.grow() + 1, 2 * gate.grow() + 1)) {
            this.kernel = getStructuringElement(MORPH_RECT, side);
        }
    }

    /**
     * Blends {@code restored} into {@code input} by {@code stable}, writing the result over {@code restored}.
     *
     * @param input    the rainy frame, BGR, {@code 3·w·h} bytes
     * @param restored the network's whole restoration of it, same layout; receives the gated frame
     * @param stable   the stabilised map, {@code w·h} bytes, 255 = drop
     */
    void blend(byte[] input, byte[] restored, byte[] stable, int w, int h) {
        int n = w * h;
        if (weights.length < n) weights = new byte[n];
        byte[] widest = stable;
        if (gate.grow() > 0) {
            map.create(h, w, CV_8UC1);
            map.data().put(stable, 0, n);
            dilate(map, widened, kernel);
            widened.data().get(weights, 0, n);
            widest = weights;
        }
        float slope = (float) gate.slope() / 255f, floor = (float) (255 * gate.floor());
        for (int i = 0; i < n; i++) {
            float g = Math.max(0f, Math.min(1f, slope * ((widest[i] & 0xff) - floor)));
            if (g >= 1f) continue; // the restoration in full, already in place
            for (int c = 3 * i; c < 3 * i + 3; c++) {
                float in = input[c] & 0xff;
                restored[c] = (byte) (int) (in + g * ((restored[c] & 0xff) - in) + 0.5f);
            }
        }
    }

    @Override
    public void close() {
        map.close();
        widened.close();
        kernel.close();
    }
}
