package io.derain.operators.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The glass layer on a made-up clip: textured scene sliding 3 pixels a frame behind a still dark-rimmed drop. The
 * drop's rim gains evidence, the moving scene none; a scene standing still (a stopped car) adds none and keeps the
 * layer; something moving every frame (a falling streak) gains none; a reset forgets.
 */
class GlassLayerTest {
    private static final int W = 160, H = 90, WORK_W = 80, WORK_H = 45;

    @Test
    void aStillDropOverAMovingSceneBuildsUpAndTheSceneDoesNot() {
        GlassLayer glass = new GlassLayer();
        float[] moving = flow(3f);
        for (int t = 0; t < 12; t++) glass.observe(frame(t * 3, true, -1), W, H, t == 0 ? null : moving, WORK_W, WORK_H);
        byte[] map = glass.map();
        assertTrue((map[at(80 + 10, 45)] & 0xff) >= 200, "the drop's rim is on the glass: " + (map[at(90, 45)] & 0xff));
        assertTrue(share(map, 128) < 0.1, "the moving scene is not: " + share(map, 128));

        byte[] before = map.clone();
        float[] stopped = flow(0f);
        for (int t = 0; t < 5; t++) glass.observe(frame(15, true, -1), W, H, stopped, WORK_W, WORK_H);
        assertTrue(Arrays.equals(before, glass.map()), "a stopped scene adds nothing and keeps the layer");

        glass.reset();
        assertEquals(0, share(glass.map(), 1), 1e-9, "a cut forgets");
    }

    @Test
    void somethingMovingEveryFrameGainsNothing() {
        GlassLayer glass = new GlassLayer();
        float[] moving = flow(3f);
        // a bright streak at a new place every frame, over a scene with no drop
        for (int t = 0; t < 6; t++) glass.observe(frame(t * 3, false, 20 + t * 17), W, H, t == 0 ? null : moving, WORK_W, WORK_H);
        assertTrue(share(glass.map(), 128) < 0.05, "no streak or scene on the glass: " + share(glass.map(), 128));
    }

    private static int at(int x, int y) {
        return y * W + x;
    }

    private static double share(byte[] map, int level) {
        long n = 0;
        for (byte b : map) if ((b & 0xff) >= level) n++;
        return (double) n / map.length;
    }

    private static float[] flow(float magnitude) {
        float[] f = new float[WORK_W * WORK_H];
        Arrays.fill(f, magnitude);
        return f;
    }

    /** Texture shifted by {@code shift} pixels, a still drop (bright body, dark rim) at (80, 45), a streak column. */
    private static byte[] frame(int shift, boolean drop, int streakX) {
        Random r = new Random(9);
        int[] noise = new int[(W + 200) * H];
        for (int i = 0; i < noise.length; i++) noise[i] = 40 + r.nextInt(160);
        byte[] bgr = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int v = noise[y * (W + 200) + x + shift];
                double d = Math.hypot(x - 80, y - 45);
                if (drop && d < 8) v = 230;
                else if (drop && d < 11) v = 15;
                if (Math.abs(x - streakX) < 2) v = 250;
                int i = (y * W + x) * 3;
                bgr[i] = bgr[i + 1] = bgr[i + 2] = (byte) v;
            }
        }
        return bgr;
    }
}
