package io.derain.operators.temporal;

/**
 * What stays put on the glass: evidence, per pixel, that its picture sits still in image coordinates while the scene
 * around it moves, as a drop on a windshield does while the road flows past behind it. A pixel whose input
 * luminance changed by less than {@link #STILL_LEVELS} since the previous frame, that has structure (a gradient of
 * at least {@link #EDGE_LEVELS}: a drop's rim and fringe, not the flat sky) and whose surroundings moved by at least
 * {@link #MIN_MOTION} work pixels gains evidence; one that changed while its surroundings moved loses it. With the
 * scene standing still (a stopped car) nothing changes: no new evidence, the last layer is kept, and the still
 * scene is not marked. Falling rain moves every frame and gains nothing. A cut (the wiper) starts the layer afresh
 * ({@link #reset()}). Causal: past frames only, one frame of state. The layer is grown by {@link #GROW} pixels so
 * that it covers a drop's whole rim. Arrays are reused per frame size; one camera, one thread.
 */
final class GlassLayer {
    static final float STILL_LEVELS = 4f;
    static final float EDGE_LEVELS = 8f;
    /** Scene motion, in flow work pixels a frame, averaged over a wide box around the pixel. */
    static final float MIN_MOTION = 2f;
    /** Evidence gained per frame still over moving surroundings: three frames running make a drop (map ≥ 64). */
    private static final int GAIN = 24;
    private static final int LOSS = 48;
    private static final int GROW = 2;
    /** Box radius, in work pixels, over which the scene's motion around a pixel is averaged: wider than a drop. */
    private static final int MOTION_RADIUS = 10;

    private int width, height;
    private float[] previous = new float[0];
    private float[] older = new float[0];
    private float[] luma = new float[0];
    private byte[] evidence = new byte[0];
    private byte[] grown = new byte[0];
    private byte[] rows = new byte[0];
    private float[] motion;
    private final BoxMean box = new BoxMean();
    private boolean hasPrevious;
    private boolean hasOlder;

    /**
     * Adds the evidence of one frame.
     *
     * @param input     the frame as it came in (BGR24, before the model)
     * @param magnitude the last flow's length per work pixel ({@link FlowField#magnitudes}), or null when there is
     *                  no flow yet
     */
    void observe(byte[] input, int w, int h, float[] magnitude, int workWidth, int workHeight) {
        if (w != width || h != height) allocate(w, h);
        int n = w * h;
        for (int i = 0, c = 0; i < n; i++, c += 3) {
            luma[i] = 0.114f * (input[c] & 0xff) + 0.587f * (input[c + 1] & 0xff) + 0.299f * (input[c + 2] & 0xff);
        }
        if (hasOlder && magnitude != null) {
            motion = box.of(magnitude, workWidth, workHeight, MOTION_RADIUS, motion);
            for (int y = 1; y < h - 1; y++) {
                int wy = Math.min(workHeight - 1, (int) ((long) y * workHeight / h));
                for (int x = 1; x < w - 1; x++) {
                    int i = y * w + x;
                    if (motion[wy * workWidth + Math.min(workWidth - 1, (int) ((long) x * workWidth / w))] < MIN_MOTION) continue;
                    float gx = luma[i + 1] - luma[i - 1], gy = luma[i + w] - luma[i - w];
                    boolean still = Math.abs(luma[i] - previous[i]) < STILL_LEVELS && Math.abs(luma[i] - older[i]) < STILL_LEVELS;
                    boolean edge = 0.25f * (gx * gx + gy * gy) >= EDGE_LEVELS * EDGE_LEVELS;
                    int e = evidence[i] & 0xff;
                    if (still && edge) e = Math.min(255, e + GAIN);
                    else if (!still) e = Math.max(0, e - LOSS);
                    evidence[i] = (byte) e;
                }
            }
            grow(w, h);
        }
        float[] t = older;
        older = previous;
        previous = luma;
        luma = t;
        hasOlder = hasPrevious;
        hasPrevious = true;
    }

    /** The layer, 0..255 per pixel (grown over rims); all zero before evidence. */
    byte[] map() {
        return grown;
    }

    /** Forgets everything: a cut, a gap. */
    void reset() {
        java.util.Arrays.fill(evidence, (byte) 0);
        java.util.Arrays.fill(grown, (byte) 0);
        hasPrevious = false;
        hasOlder = false;
    }

    private void allocate(int w, int h) {
        width = w;
        height = h;
        int n = w * h;
        previous = new float[n];
        older = new float[n];
        luma = new float[n];
        evidence = new byte[n];
        grown = new byte[n];
        rows = new byte[n];
        hasPrevious = false;
        hasOlder = false;
    }

    /** A (2·GROW+1)² max filter of the evidence, separable. */
    private void grow(int w, int h) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int m = 0;
                for (int d = Math.max(0, x - GROW); d <= Math.min(w - 1, x + GROW); d++) m = Math.max(m, evidence[y * w + d] & 0xff);
                rows[y * w + x] = (byte) m;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int m = 0;
                for (int d = Math.max(0, y - GROW); d <= Math.min(h - 1, y + GROW); d++) m = Math.max(m, rows[d * w + x] & 0xff);
                grown[y * w + x] = (byte) m;
            }
        }
    }
}
