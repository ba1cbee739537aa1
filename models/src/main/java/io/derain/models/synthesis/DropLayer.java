package io.derain.models.synthesis;

import java.util.Arrays;
import java.util.List;

/**
 * Rasterises the drops of one look into per-pixel buffers: where each pixel of the frame samples the
 * scene through the drop (a refraction map for cv::remap), how much the drop covers it (antialiased) and
 * how it is shaded. Buffers are allocated once per frame size and reused.
 *
 * <p>Each drop is a metaball cluster: every lobe contributes {@code k(s) = (1 - s^2)^2} (s = distance over
 * the lobe's kernel radius) and the drop's surface is {@code q = sqrt(sum k) = 1/2}. The dome height
 * {@code H = A (q - 1/2)} is an exact paraboloid for a single lobe, so its gradient is linear in the
 * distance from the centre and the scene seen through it is a point-inverted (flipped), shrunk copy
 * of the scene around the drop; merging lobes give a smooth union. The sampled position is
 * {@code p + grad H}; A grows with the drop's thickness, so thicker drops bend light more.
 * Where drops overlap, the higher dome wins.
 */
final class DropLayer {
    /** A lone lobe's visible radius over its kernel radius: where (1 - s^2)^2 = 1/4. */
    static final double VISIBLE = Math.sqrt(0.5);
    private static final float SURFACE = 0.5f;

    final int width;
    final int height;
    /** Source coordinates for cv::remap, already scaled to the source image's resolution. */
    final float[] mapX;
    final float[] mapY;
    /** Antialiased coverage 0..1 (0 outside every drop of this layer). */
    final float[] alpha;
    /** Multiplicative shading of the refracted colour (dark rims). */
    final float[] gain;
    /** Additive light (specular highlights, caustics), in 8-bit levels. */
    final float[] lift;
    private final float[] dome;
    private final float[] lx = new float[Drop.MAX_LOBES];
    private final float[] ly = new float[Drop.MAX_LOBES];
    private final float[] inv = new float[Drop.MAX_LOBES];

    DropLayer(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        mapX = new float[n];
        mapY = new float[n];
        alpha = new float[n];
        gain = new float[n];
        lift = new float[n];
        dome = new float[n];
    }

    /**
     * Draws every drop with the given look.
     *
     * @param layerScale  resolution of this layer relative to the frame the drops live in (0.5: half size)
     * @param sourceScale resolution of the remap source relative to this layer
     * @param fieldOfView half-size in frame pixels of the scene region a drop shows (its inverted view)
     * @return whether any drop was drawn
     */
    boolean rasterize(List<Drop> drops, RainStyle look, double layerScale, float sourceScale, double fieldOfView) {
        Arrays.fill(alpha, 0f);
        Arrays.fill(dome, Float.NEGATIVE_INFINITY);
        boolean any = false;
        for (Drop d : drops) {
            if (d.look() == look) any |= draw(d, look, layerScale, sourceScale, fieldOfView * layerScale);
        }
        return any;
    }

    private boolean draw(Drop d, RainStyle look, double scale, float sourceScale, double fieldOfView) {
        int lobes = d.lobeCount();
        double invAspect = 1.0 / d.aspect();
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int l = 0; l < lobes; l++) {
            double kr = d.lobeRadius(l) * scale / VISIBLE;
            lx[l] = (float) ((d.x() + d.lobeX(l) + 0.5) * scale - 0.5);
            ly[l] = (float) ((d.y() + d.lobeY(l) + 0.5) * scale - 0.5);
            inv[l] = (float) (1.0 / (kr * kr));
            x0 = Math.min(x0, lx[l] - kr);
            x1 = Math.max(x1, lx[l] + kr);
            y0 = Math.min(y0, ly[l] - kr * d.aspect());
            y1 = Math.max(y1, ly[l] + kr * d.aspect());
        }
        int xa = Math.max(0, (int) Math.floor(x0)), xb = Math.min(width - 1, (int) Math.ceil(x1));
        int ya = Math.max(0, (int) Math.floor(y0)), yb = Math.min(height - 1, (int) Math.ceil(y1));
        if (xa > xb || ya > yb) return false;

        double r = d.radius() * scale;
        double kernelR = r / VISIBLE;
        // grad H = -kappa (p - c) for a lone lobe: the drop shows the scene within fieldOfView, inverted.
        float kappa = (float) (d.thickness() * (1.0 + fieldOfView / Math.max(r, 1.0)));
        float amplitude = (float) (kappa * kernelR * kernelR / 2);
        float cx = (float) ((d.x() + 0.5) * scale - 0.5), cy = (float) ((d.y() + 0.5) * scale - 0.5);
        float ia2 = (float) (invAspect * invAspect);
        boolean shield = look == RainStyle.WINDSHIELD;
        // Even focused drops have a slightly soft outline; defocused ones get blurred later anyway.
        float edgeWidth = 1.5f;
        // Glass is tilted and the lens wide-angle: drops show the scene above them (often the bright sky).
        float up = (float) (0.5 * fieldOfView);
        float specAmp = (float) (140 * Math.min(1.0, Math.max(0.0, (r - 2.5) / 4)));
        // Light from above-left: the highlight sits towards the top-left of the dome.
        float specX = cx - 0.28f * (float) r, specY = cy - 0.38f * (float) (r * d.aspect());
        float specInv = (float) (1.0 / (2 * Math.pow(0.16 * r + 0.6, 2)));
        float invR = (float) (1.0 / r);
        boolean drew = false;
        for (int y = ya; y <= yb; y++) {
            int row = y * width;
            for (int x = xa; x <= xb; x++) {
                float f = 0, gx = 0, gy = 0;
                for (int l = 0; l < lobes; l++) {
                    float dx = x - lx[l], dy = y - ly[l];
                    float s2 = (dx * dx + dy * dy * ia2) * inv[l];
                    if (s2 >= 1f) continue;
                    float t = 1f - s2;
                    f += t * t;
                    float g = -4f * t * inv[l];
                    gx += g * dx;
                    gy += g * dy * ia2;
                }
                if (f < 0.09f) continue;
                float q = (float) Math.sqrt(f);
                float h = q - SURFACE;
                // grad q = grad f / (2q); its length turns the height into a distance to the edge.
                float qx = gx / (2 * q), qy = gy / (2 * q);
                float slope = (float) Math.sqrt(qx * qx + qy * qy) + 1e-6f;
                float cover = Math.min(1f, Math.max(0f, h / (slope * edgeWidth) + 0.5f));
                if (cover <= 0f) continue;
                int i = row + x;
                if (cover > alpha[i]) alpha[i] = cover;
                float H = amplitude * h;
                if (H <= dome[i]) continue;
                dome[i] = H;
                drew = true;
                mapX[i] = (x + amplitude * qx + 0.5f) * sourceScale - 0.5f;
                mapY[i] = (y + amplitude * qy - up + 0.5f) * sourceScale - 0.5f;
                float rim = 1f - Math.min(1f, Math.max(0f, h / SURFACE));
                if (shield) {
                    float rim2 = rim * rim;
                    gain[i] = 0.92f - 0.45f * rim2 * rim2;
                    float sx = x - specX, sy = y - specY;
                    float spec = (float) Math.exp(-(sx * sx + sy * sy) * specInv);
                    float below = Math.max(0f, (y - cy) * invR);
                    lift[i] = 16f + specAmp * spec + 40f * rim2 * below;
                } else {
                    gain[i] = 1f - 0.18f * rim * rim;
                    lift[i] = 0f;
                }
            }
        }
        return drew;
    }
}
