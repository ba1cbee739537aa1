package io.derain.samples.scene;

import java.nio.ByteBuffer;

/**
 * A procedural driving scene seen from a car's dash: sky, hills, a road in perspective with moving dashed
 * lane markings, trees and poles passing by and a car ahead. Frames are a pure function of the size, the
 * seed and the frame index (no state, no randomness at render time), so clips are reproducible and any
 * frame can be rendered on its own. Output is BGR24, row-major, width*height*3 bytes.
 */
public final class RoadScene {
    /** Metres the camera travels per frame (about 65 km/h at 30 fps). */
    private static final double SPEED = 0.6;
    private static final double CAMERA_HEIGHT = 1.3;
    private static final double LANE = 3.6;
    private static final double ROADSIDE_SPACING = 18;

    private final int width;
    private final int height;
    private final long seed;
    private final double focal;
    private final float[] depthOfRow;

    public RoadScene(int width, int height, long seed) {
        if (width < 16 || height < 16) throw new IllegalArgumentException("frame too small");
        this.width = width;
        this.height = height;
        this.seed = seed;
        this.focal = 0.9 * width;
        this.depthOfRow = new float[height];
    }

    public int width() { return width; }
    public int height() { return height; }

    /** Renders frame {@code index} into a new array. */
    public byte[] render(long index) {
        byte[] out = new byte[width * height * 3];
        render(index, out);
        return out;
    }

    /** Renders frame {@code index} into {@code bgr} (width*height*3 bytes, index 0 onwards). */
    public void render(long index, ByteBuffer bgr) {
        byte[] frame = render(index);
        bgr.put(0, frame);
    }

    /** Renders frame {@code index} into {@code bgr} (width*height*3 bytes). */
    public void render(long index, byte[] bgr) {
        if (bgr.length < width * height * 3) throw new IllegalArgumentException("buffer too small");
        Camera cam = camera(index);
        drawGround(cam, bgr);
        drawRoadside(cam, bgr);
        drawCarAhead(cam, index, bgr);
    }

    /** Smooth camera motion: forward travel, a slow lane drift, gentle pitch and a varying road bend. */
    private record Camera(double z, double x, double horizon, double bend, double yaw) {}

    private Camera camera(long index) {
        double t = index;
        double phase = (seed % 1000) * 0.37;
        double x = 0.35 * Math.sin(t * 0.011 + phase);
        double horizon = height * (0.46 + 0.006 * Math.sin(t * 0.07 + phase));
        double bend = 0.0018 * Math.sin(t * 0.004 + phase);
        double yaw = 0.25 * Math.sin(t * 0.003 + phase) + t * 0.0004;
        return new Camera(t * SPEED, x + LANE / 2, horizon, bend, yaw);
    }

    /** Lateral road centre at distance z ahead, relative to the camera. */
    private static double roadCentre(Camera cam, double z) {
        return cam.bend() * z * z - cam.x();
    }

    private void drawGround(Camera cam, byte[] out) {
        int h0 = (int) Math.ceil(cam.horizon());
        for (int y = 0; y < height; y++) {
            depthOfRow[y] = y > cam.horizon() ? (float) (CAMERA_HEIGHT * focal / (y - cam.horizon())) : Float.MAX_VALUE;
        }
        for (int x = 0; x < width; x++) {
            // Hills: two layers of sines drifting with the heading; far layer paler.
            double u = (x - width / 2.0) / width + cam.yaw();
            int farHill = (int) (cam.horizon() - height * (0.07 + 0.04 * Math.sin(u * 5.1 + seed) + 0.02 * Math.sin(u * 13.7)));
            int nearHill = (int) (cam.horizon() - height * (0.03 + 0.025 * Math.sin(u * 9.3 + 2 * seed) + 0.01 * Math.sin(u * 31)));
            for (int y = 0; y < h0 && y < height; y++) {
                int i = 3 * (y * width + x);
                if (y >= nearHill) {
                    set(out, i, 70, 120 + texture(x, y, 11), 75);
                } else if (y >= farHill) {
                    set(out, i, 130, 150, 125);
                } else {
                    double s = (double) y / cam.horizon();
                    set(out, i, (int) (225 - 25 * s), (int) (185 + 15 * s), (int) (140 + 40 * s));
                }
            }
        }
        for (int y = Math.max(0, h0); y < height; y++) {
            double z = depthOfRow[y];
            double metresPerPixel = z / focal;
            double centre = roadCentre(cam, z);
            double worldZ = z + cam.z();
            boolean dash = (worldZ % 12.0) < 4.5;
            int fog = (int) Math.min(60, 2400 / (z + 40));
            for (int x = 0; x < width; x++) {
                double wx = (x - width / 2.0) * metresPerPixel - centre;
                double ax = Math.abs(wx);
                int i = 3 * (y * width + x);
                if (ax < 7.4) {
                    int v = 92 + texture(x, (int) (worldZ * 8), 9);
                    boolean edge = Math.abs(ax - 7.2) < 0.12;
                    boolean centreLine = Math.abs(wx) < 0.08 && dash;
                    boolean laneLine = Math.abs(ax - LANE) < 0.07 && dash;
                    if (edge || laneLine) set(out, i, 225, 228, 230);
                    else if (centreLine) set(out, i, 40, 190, 225);
                    else set(out, i, v + fog, v + fog, v + 4 + fog);
                } else {
                    int g = texture((int) (wx * 3), (int) (worldZ * 2), 25);
                    set(out, i, 45 + fog, 105 + g + fog, 60 + fog);
                }
            }
        }
    }

    /** Trees on the right, poles on the left (the road is 2 x 2 lanes, we drive in the right lane), far to near so nearer ones cover farther ones. */
    private void drawRoadside(Camera cam, byte[] out) {
        double first = Math.floor(cam.z() / ROADSIDE_SPACING) * ROADSIDE_SPACING;
        for (int k = 12; k >= 0; k--) {
            double worldZ = first + k * ROADSIDE_SPACING;
            double z = worldZ - cam.z();
            if (z < 1.5) continue;
            long n = Math.round(worldZ / ROADSIDE_SPACING);
            double jitter = hash(n, seed) * 3;
            drawTree(cam, z, 10.5 + jitter, out, n);
            if (n % 2 == 0) drawPole(cam, z + 4, -9.5, out);
        }
    }

    private void drawTree(Camera cam, double z, double wx, byte[] out, long n) {
        double px = width / 2.0 + focal * (wx + roadCentre(cam, z)) / z;
        double ground = cam.horizon() + CAMERA_HEIGHT * focal / z;
        double scale = focal / z;
        double trunkH = 2.5 * scale, crownR = (1.8 + hash(n + 7, seed)) * scale;
        fillRect(out, px - 0.18 * scale, ground - trunkH, px + 0.18 * scale, ground, 30, 50, 80);
        fillDisc(out, px, ground - trunkH - crownR * 0.6, crownR, 35, 95 + (int) (30 * hash(n, seed)), 45);
    }

    private void drawPole(Camera cam, double z, double wx, byte[] out) {
        if (z < 1.5) return;
        double px = width / 2.0 + focal * (wx + roadCentre(cam, z)) / z;
        double ground = cam.horizon() + CAMERA_HEIGHT * focal / z;
        double scale = focal / z;
        fillRect(out, px - 0.1 * scale, ground - 7 * scale, px + 0.1 * scale, ground, 150, 150, 155);
        fillRect(out, px - 0.1 * scale, ground - 7 * scale, px + 1.5 * scale, ground - 6.85 * scale, 150, 150, 155);
    }

    /** A car in the next lane that slowly closes in and falls back. */
    private void drawCarAhead(Camera cam, long index, byte[] out) {
        double z = 16 + 5 * Math.sin(index * 0.013 + seed);
        double wx = LANE / 2 + 0.15 * Math.sin(index * 0.02); // our lane, ahead of us
        double scale = focal / z;
        double px = width / 2.0 + focal * (wx + roadCentre(cam, z)) / z;
        double ground = cam.horizon() + CAMERA_HEIGHT * focal / z;
        double half = 0.9 * scale;
        fillRect(out, px - half * 1.05, ground - 0.12 * scale, px + half * 1.05, ground + 0.05 * scale, 25, 25, 25);
        fillRect(out, px - half, ground - 1.0 * scale, px + half, ground - 0.25 * scale, 40, 40, 150);
        fillRect(out, px - half * 0.8, ground - 1.45 * scale, px + half * 0.8, ground - 1.0 * scale, 50, 45, 120);
        fillRect(out, px - half * 0.7, ground - 1.4 * scale, px + half * 0.7, ground - 1.05 * scale, 60, 40, 30);
        fillRect(out, px - half * 0.95, ground - 0.8 * scale, px - half * 0.7, ground - 0.65 * scale, 30, 30, 230);
        fillRect(out, px + half * 0.7, ground - 0.8 * scale, px + half * 0.95, ground - 0.65 * scale, 30, 30, 230);
        fillRect(out, px - half * 0.25, ground - 0.6 * scale, px + half * 0.25, ground - 0.45 * scale, 220, 220, 220);
        fillRect(out, px - half * 0.95, ground - 0.3 * scale, px - half * 0.6, ground, 20, 20, 20);
        fillRect(out, px + half * 0.6, ground - 0.3 * scale, px + half * 0.95, ground, 20, 20, 20);
    }

    private void fillRect(byte[] out, double x0, double y0, double x1, double y1, int b, int g, int r) {
        int xa = Math.max(0, (int) Math.round(x0)), xb = Math.min(width, (int) Math.round(x1));
        int ya = Math.max(0, (int) Math.round(y0)), yb = Math.min(height, (int) Math.round(y1));
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) set(out, 3 * (y * width + x), b, g, r);
        }
    }

    private void fillDisc(byte[] out, double cx, double cy, double radius, int b, int g, int r) {
        int xa = Math.max(0, (int) (cx - radius)), xb = Math.min(width - 1, (int) (cx + radius));
        int ya = Math.max(0, (int) (cy - radius)), yb = Math.min(height - 1, (int) (cy + radius));
        for (int y = ya; y <= yb; y++) {
            for (int x = xa; x <= xb; x++) {
                double dx = x - cx, dy = y - cy;
                // A lumpy outline and leaf texture so the crown has edges to refract.
                double lumpy = radius * (0.9 + 0.08 * Math.sin(Math.atan2(dy, dx) * 7 + cx * 0.01));
                if (dx * dx + dy * dy <= lumpy * lumpy) {
                    int t = texture(x, y, 30);
                    set(out, 3 * (y * width + x), b + t / 2, g + t - 15, r + t / 3);
                }
            }
        }
    }

    /** Deterministic grain in [0, amplitude). */
    private static int texture(int x, int y, int amplitude) {
        int h = x * 374761393 + y * 668265263;
        h = (h ^ (h >>> 13)) * 1274126177;
        return ((h ^ (h >>> 16)) & 0x7fffffff) % Math.max(1, amplitude);
    }

    /** Deterministic value in [0, 1) for roadside object n. */
    private static double hash(long n, long seed) {
        long h = (n * 0x9E3779B97F4A7C15L) ^ (seed * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53;
    }

    private static void set(byte[] out, int i, int b, int g, int r) {
        out[i] = clamp(b);
        out[i + 1] = clamp(g);
        out[i + 2] = clamp(r);
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
