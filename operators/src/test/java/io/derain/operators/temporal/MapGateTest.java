package io.derain.operators.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.derain.models.restore.GateSettings;
import org.junit.jupiter.api.Test;

/** The byte gate of the temporal stage: {@code input + clamp(gain · widen(map)) · (restored − input)}. */
class MapGateTest {
    private static final int W = 12, H = 5;

    @Test
    void blendsByTheWidenedGainedMap() {
        byte[] input = new byte[3 * W * H], restored = new byte[3 * W * H], map = new byte[W * H];
        java.util.Arrays.fill(input, (byte) 200);
        java.util.Arrays.fill(restored, (byte) 100);
        map[2 * W + 6] = (byte) 255; // one sure drop pixel
        map[2 * W + 1] = (byte) 51;  // one unsure one: 0.2, at gain 1.5 0.3
        try (MapGate gate = new MapGate(new GateSettings(true, 1, 1.5))) {
            gate.blend(input, restored, map, W, H);
        }
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean nearSure = Math.abs(x - 6) <= 1 && Math.abs(y - 2) <= 1;
                boolean nearUnsure = Math.abs(x - 1) <= 1 && Math.abs(y - 2) <= 1;
                int want = nearSure ? 100 : nearUnsure ? 170 : 200;
                for (int c = 0; c < 3; c++) assertEquals(want, restored[3 * (y * W + x) + c] & 0xff, "at " + x + "," + y);
            }
        }
    }

    /** With a floor of 0.3 the unsure pixel (0.2) passes through; the sure one still takes the restoration. */
    @Test
    void levelsAtOrBelowTheFloorPassThrough() {
        byte[] input = new byte[3 * W * H], restored = new byte[3 * W * H], map = new byte[W * H];
        java.util.Arrays.fill(input, (byte) 200);
        java.util.Arrays.fill(restored, (byte) 100);
        map[2 * W + 6] = (byte) 255;
        map[2 * W + 1] = (byte) 51;
        try (MapGate gate = new MapGate(new GateSettings(true, 0, 1, 0.3))) {
            gate.blend(input, restored, map, W, H);
        }
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int want = x == 6 && y == 2 ? 100 : 200;
                for (int c = 0; c < 3; c++) assertEquals(want, restored[3 * (y * W + x) + c] & 0xff, "at " + x + "," + y);
            }
        }
    }

    @Test
    void needsAGatedModel() {
        assertThrows(IllegalArgumentException.class, () -> new MapGate(GateSettings.WHOLE_OUTPUT));
    }
}
