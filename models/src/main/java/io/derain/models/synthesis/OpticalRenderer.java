package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC4;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Physically based drops ({@code ../shared/docs/raindrop-optics.md}): every lobe of every {@link Drop} is a
 * spherical cap on the glass of a {@link GlassGeometry}, and every pixel it covers is traced through it by a
 * {@link CapTracer}: refracted at the base and at the curved surface, the ray meets the scene plane and the
 * pixel shows the scene point it meets there (an inverted, strongly minified view of a wide part of the
 * scene, sampled from the {@link ScenePyramid} level that matches the minification), dimmed by Fresnel
 * transmission; rays totally reflected at the surface show a dark level instead (the rims). Colour and
 * coverage are then defocused together by a disc (a lens aperture), its diameter the thin-lens blur at the
 * drop's depth, so drops on tilted glass are blurred by their row; they are grouped into blur steps, each
 * step blurred once.
 *
 * <p>Drop positions and sizes come from the {@link DropField} in pixels (so persistence, growth, merging
 * and sliding are today's); the glass geometry turns them into caps: a drop of radius r px at a glass point
 * z mm deep has a base radius of r · z / f_px mm.
 *
 * <p>Coverage reports what the attention map should find: {@code min(1, blurred alpha / }{@value #FRINGE}{@code )},
 * so the {@link DropMask#DROPS} mask (coverage ≥ 1/2) includes the dark rim and the defocused fringe, where the
 * picture is visibly wrong, not only the drop's bright body. Pixels whose alpha is below
 * {@link RainSettings#maskThreshold()} stay bit-exact, as with the heuristic renderer.
 *
 * <p>One geometry per renderer (a video keeps its camera and glass), drawn from a {@link GlassSetup} with
 * the seed, or given. Buffers are allocated per frame size and reused; not thread-safe.
 */
public final class OpticalRenderer implements DropRenderer {
    /** Blur diameters (px) drops are grouped into. */
    private static final double[] BLUR_STEPS = {0, 1, 2, 3, 4.5, 6, 8, 11, 15, 20, 27, 36};
    /** Blurred alpha from which a pixel counts as half covered (rims and fringes are in the mask). */
    static final float FRINGE = 0.4f;
    /** Side of the tiles a blur step visits. */
    private static final int TILE = 16;

    private final RainSettings settings;
    private GlassGeometry glass;
    private final CapTracer tracer = new CapTracer();
    private final ScenePyramid pyramid = new ScenePyramid();
    private final Mat layerMat = new Mat();
    private final Mat blurredMat = new Mat();
    /** Disc kernels per blur step and reduction (full, half, quarter resolution). */
    private final Mat[] kernels = new Mat[BLUR_STEPS.length * 3];
    private final Mat reducedMat = new Mat();
    private final Mat reducedBlurMat = new Mat();
    private final Point anchor = new Point(-1, -1);
    private FloatPointer layerPointer;
    private FloatPointer blurredPointer;
    private FloatBuffer layer;
    private FloatBuffer blurred;
    private int width;
    private int height;
    private byte[] scene;
    private byte[] out;
    private float[] accColour;
    private float[] accAlpha;
    private float[] capHeight;
    private float[] coverage;
    private boolean[] tiles = new boolean[0];
    private int tilesX;
    private int tilesY;
    /** The current blur step's box (inclusive). */
    private int boxX0, boxX1, boxY0, boxY1;
    private byte[] streakBytes = new byte[0];
    private GlassVeil veil;
    private RainStreaks streaks;
    // This frame's camera and glass.
    private double focal, centreX, centreY, planeOffset;
    /** What hazy drops scatter: the frame's mean brightness lifted towards white. */
    private float airlight;
    private double normalY, normalZ, upY, upZ;
    // This frame's lobes, one entry each: centre (px), radius (px), contact angle, blur step.
    private double[] lobeX = new double[64], lobeY = new double[64], lobeR = new double[64], lobeTau = new double[64];
    private int[] lobeStep = new int[64];
    private int lobeCount;

    /** A renderer with a geometry drawn from {@code setup} with {@code seed}. */
    public OpticalRenderer(RainSettings settings, GlassSetup setup, long seed) {
        this(settings, setup.draw(new SplittableRandom(seed * 0xD1B54A32D192ED03L + 0x51)));
    }

    public OpticalRenderer(RainSettings settings, GlassGeometry glass) {
        this.settings = settings;
        this.glass = glass;
    }

    public GlassGeometry glass() { return glass; }

    /** Puts the drops on other glass from the next frame on (training draws one per sample). */
    public void glass(GlassGeometry newGlass) {
        if (newGlass == null) throw new IllegalArgumentException("glass is required");
        this.glass = newGlass;
    }

    @Override
    public void veil(GlassVeil newVeil) { this.veil = newVeil; }

    @Override
    public void streaks(RainStreaks newStreaks) { this.streaks = newStreaks; }

    @Override
    public void render(DropField field, ByteBuffer clean, int w, int h, ByteBuffer rainy, ByteBuffer mask, ByteBuffer coverageOut) {
        if (field.width() != w || field.height() != h) {
            throw new IllegalStateException("the drop field was stepped for " + field.width() + "x"
                    + field.height() + " but the frame is " + w + "x" + h);
        }
        prepare(w, h);
        clean.get(0, scene, 0, scene.length);
        if (streaks != null) {
            Arrays.fill(streakBytes, (byte) 0);
            streaks.render(scene, width, height, streakBytes);
        }
        pyramid.build(scene, width, height);
        airlight = pyramid.meanLuma();
        airlight += 0.35f * (255 - airlight);
        camera();
        collectLobes(field);
        Arrays.fill(accColour, 0f);
        Arrays.fill(accAlpha, 0f);
        for (int step = BLUR_STEPS.length - 1; step >= 0; step--) drawStep(step);
        compose();
        if (veil != null) veil.apply(out, width, height);
        rainy.put(0, out, 0, out.length);
        int n = width * height;
        if (mask != null) for (int i = 0; i < n; i++) mask.put(i, coverage[i] > 0f ? (byte) 255 : 0);
        if (coverageOut != null) {
            for (int i = 0; i < n; i++) {
                float c = coverage[i];
                coverageOut.put(i, c > 0f ? (byte) Math.max(1, Math.min(255, Math.round(c * 255f))) : 0);
            }
        }
    }

    private void prepare(int w, int h) {
        if (w == width && h == height) return;
        width = w;
        height = h;
        int n = w * h;
        scene = new byte[n * 3];
        out = new byte[n * 3];
        accColour = new float[n * 3];
        accAlpha = new float[n];
        capHeight = new float[n];
        coverage = new float[n];
        streakBytes = new byte[n];
        tilesX = (w + TILE - 1) / TILE;
        tilesY = (h + TILE - 1) / TILE;
        tiles = new boolean[tilesX * tilesY];
        layerMat.create(h, w, CV_32FC4);
        blurredMat.create(h, w, CV_32FC4);
        if (layerPointer != null) layerPointer.close();
        if (blurredPointer != null) blurredPointer.close();
        layerPointer = new FloatPointer(layerMat.data()).capacity(4L * n);
        blurredPointer = new FloatPointer(blurredMat.data()).capacity(4L * n);
        layer = layerPointer.asBuffer();
        blurred = blurredPointer.asBuffer();
        for (int i = 0; i < 4 * n; i++) layer.put(i, 0f);
    }

    /** Intrinsics for this frame size and the glass plane n · p = planeOffset, n = (0, −sin ψ, cos ψ). */
    private void camera() {
        focal = glass.focalPixels(width);
        centreX = width / 2.0;
        centreY = height / 2.0;
        double tilt = Math.toRadians(glass.tilt());
        normalY = -Math.sin(tilt);
        normalZ = Math.cos(tilt);
        // In-plane direction pointing down the glass (and away from the camera).
        upY = Math.cos(tilt);
        upZ = Math.sin(tilt);
        planeOffset = glass.glassDistance() * Math.cos(tilt);
    }

    private void collectLobes(DropField field) {
        lobeCount = 0;
        double tauLo = Math.toRadians(glass.minContactAngle()), tauHi = Math.toRadians(glass.maxContactAngle());
        for (Drop d : field.drops()) {
            double shape = Math.max(0, Math.min(1, (d.thickness() - 0.6) / 0.7));
            double tau = tauLo + (tauHi - tauLo) * shape;
            for (int l = 0; l < d.lobeCount(); l++) {
                double x = d.x() + d.lobeX(l), y = d.y() + d.lobeY(l), r = d.lobeRadius(l);
                if (r < 0.3 || x + r < -2 || y + r < -2 || x - r > width + 2 || y - r > height + 2) continue;
                if (lobeCount == lobeX.length) growLobes();
                double depth = depthAt(x, y);
                lobeX[lobeCount] = x;
                lobeY[lobeCount] = y;
                lobeR[lobeCount] = r;
                lobeTau[lobeCount] = tau;
                lobeStep[lobeCount] = nearestStep(glass.blurDiameter(depth, width));
                lobeCount++;
            }
        }
    }

    private void growLobes() {
        int n = 2 * lobeX.length;
        lobeX = Arrays.copyOf(lobeX, n);
        lobeY = Arrays.copyOf(lobeY, n);
        lobeR = Arrays.copyOf(lobeR, n);
        lobeTau = Arrays.copyOf(lobeTau, n);
        lobeStep = Arrays.copyOf(lobeStep, n);
    }

    /** Axial depth (mm) of the glass point seen by pixel (x, y). */
    private double depthAt(double x, double y) {
        double dy = (y - centreY) / focal;
        return planeOffset / (normalY * dy + normalZ);
    }

    private static int nearestStep(double diameter) {
        int best = 0;
        for (int s = 1; s < BLUR_STEPS.length; s++) {
            if (Math.abs(BLUR_STEPS[s] - diameter) < Math.abs(BLUR_STEPS[best] - diameter)) best = s;
        }
        return best;
    }

    /**
     * Draws the lobes of one blur step sharp, blurs them together, and lays them over what is drawn. Only the
     * {@value #TILE}-pixel tiles the step's lobes (and their blur) reach are visited: drops on tilted glass spread
     * each step over the whole frame but cover little of it.
     */
    private void drawStep(int step) {
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = Integer.MIN_VALUE, y1 = Integer.MIN_VALUE;
        int reach = (int) Math.ceil(BLUR_STEPS[step] / 2) + 1;
        Arrays.fill(tiles, false);
        boolean any = false;
        for (int k = 0; k < lobeCount; k++) {
            if (lobeStep[k] != step) continue;
            double e = 1.4 * lobeR[k] + 2 + reach;
            int ax = Math.max(0, (int) Math.floor(lobeX[k] - e)), ay = Math.max(0, (int) Math.floor(lobeY[k] - e));
            int bx = Math.min(width - 1, (int) Math.ceil(lobeX[k] + e)), by = Math.min(height - 1, (int) Math.ceil(lobeY[k] + e));
            if (ax > bx || ay > by) continue;
            any = true;
            x0 = Math.min(x0, ax);
            y0 = Math.min(y0, ay);
            x1 = Math.max(x1, bx);
            y1 = Math.max(y1, by);
            for (int ty = ay / TILE; ty <= by / TILE; ty++) {
                for (int tx = ax / TILE; tx <= bx / TILE; tx++) tiles[ty * tilesX + tx] = true;
            }
        }
        if (!any) return;
        // Spans are clipped to the step's box: the blur writes that box only.
        boxX0 = x0;
        boxX1 = x1;
        boxY0 = y0;
        boxY1 = y1;
        forEachTile((from, to, y) -> Arrays.fill(capHeight, y * width + from, y * width + to, Float.NEGATIVE_INFINITY));
        for (int k = 0; k < lobeCount; k++) if (lobeStep[k] == step) drawLobe(k);
        FloatBuffer source = layer;
        if (step > 0) {
            blur(step, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
            source = blurred;
        }
        FloatBuffer drawn = source;
        forEachTile((from, to, y) -> {
            for (int i = y * width + from, end = y * width + to; i < end; i++) {
                float a = drawn.get(4 * i + 3);
                if (a > 1e-4f) {
                    float keep = 1 - a;
                    int c = 3 * i;
                    accColour[c] = drawn.get(4 * i) + keep * accColour[c];
                    accColour[c + 1] = drawn.get(4 * i + 1) + keep * accColour[c + 1];
                    accColour[c + 2] = drawn.get(4 * i + 2) + keep * accColour[c + 2];
                    accAlpha[i] = Math.min(1f, a + keep * accAlpha[i]);
                }
                // Leave the layer empty for the next step.
                layer.put(4 * i, 0f).put(4 * i + 1, 0f).put(4 * i + 2, 0f).put(4 * i + 3, 0f);
            }
        });
    }

    /** A run of pixels [from, to) of row y inside a marked tile. */
    @FunctionalInterface
    private interface RowSpan {
        void visit(int from, int to, int y);
    }

    /** Visits every marked tile's rows, merging horizontally adjacent tiles into one span. */
    private void forEachTile(RowSpan span) {
        for (int ty = 0; ty < tilesY; ty++) {
            int tx = 0;
            while (tx < tilesX) {
                if (!tiles[ty * tilesX + tx]) {
                    tx++;
                    continue;
                }
                int start = tx;
                while (tx < tilesX && tiles[ty * tilesX + tx]) tx++;
                int from = Math.max(boxX0, start * TILE), to = Math.min(boxX1 + 1, tx * TILE);
                int yEnd = Math.min(boxY1 + 1, (ty + 1) * TILE);
                for (int y = Math.max(boxY0, ty * TILE); y < yEnd; y++) span.visit(from, to, y);
            }
        }
    }

    /**
     * Blurs the layer's box into the blurred layer with the step's disc. Wide discs are applied at a half or a
     * quarter of the resolution (a defocused picture holds no detail finer than a fraction of its blur), which
     * keeps a 36 px blur of a whole 960x540 frame at a few milliseconds.
     */
    private void blur(int step, int x, int y, int w, int h) {
        int reduce = BLUR_STEPS[step] >= 16 ? 4 : BLUR_STEPS[step] >= 8 ? 2 : 1;
        try (Rect box = new Rect(x, y, w, h); Mat from = new Mat(layerMat, box); Mat to = new Mat(blurredMat, box)) {
            if (reduce == 1 || w < 4 * reduce || h < 4 * reduce) {
                filter2D(from, to, -1, kernel(step, 1), anchor, 0, BORDER_REFLECT_101);
                return;
            }
            try (Size small = new Size((w + reduce - 1) / reduce, (h + reduce - 1) / reduce); Size full = new Size(w, h)) {
                resize(from, reducedMat, small, 0, 0, INTER_AREA);
                filter2D(reducedMat, reducedBlurMat, -1, kernel(step, reduce), anchor, 0, BORDER_REFLECT_101);
                resize(reducedBlurMat, to, full, 0, 0, INTER_LINEAR);
            }
        }
    }

    private void drawLobe(int k) {
        double cx = lobeX[k], cy = lobeY[k], rPx = lobeR[k];
        // The base's centre on the glass, and its radius in mm.
        double vx = (cx - centreX) / focal, vy = (cy - centreY) / focal;
        double t = planeOffset / (normalY * vy + normalZ);
        double gx = t * vx, gy = t * vy, gz = t;
        double baseR = rPx * gz / focal;
        tracer.drop(0, normalY, normalZ, lobeTau[k]);
        int level = samplingLevel(cx, cy, rPx, gx, gy, gz, baseR);
        float dark = (float) (glass.rimLight() * pyramid.localMean(cx, cy));
        float haze = (float) glass.haze(), clear = 1 - haze, scattered = haze * airlight;
        double sceneZ = glass.sceneDistance();
        double e = 1.4 * rPx + 2;
        int xa = Math.max(0, (int) Math.floor(cx - e)), xb = Math.min(width - 1, (int) Math.ceil(cx + e));
        int ya = Math.max(0, (int) Math.floor(cy - e)), yb = Math.min(height - 1, (int) Math.ceil(cy + e));
        double outer = 1 + 0.5 / rPx;
        for (int y = ya; y <= yb; y++) {
            double py = (y - centreY) / focal;
            double along = planeOffset / (normalY * py + normalZ);
            for (int x = xa; x <= xb; x++) {
                double px = (x - centreX) / focal;
                // Where this pixel's ray meets the glass, relative to the base's centre, in base radii.
                double rx = (along * px - gx) / baseR, ry = (along * py - gy) / baseR, rz = (along - gz) / baseR;
                double q1 = rx, q2 = ry * upY + rz * upZ;
                double rho = Math.sqrt(q1 * q1 + q2 * q2);
                if (rho >= outer) continue;
                float alpha = (float) Math.min(1, Math.max(0, (1 - rho) * rPx + 0.5));
                if (alpha <= 0) continue;
                if (rho > 0.999) {
                    double s = 0.999 / rho;
                    rx *= s;
                    ry *= s;
                    rz *= s;
                }
                double len = Math.sqrt(px * px + py * py + 1);
                tracer.trace(px / len, py / len, 1 / len, rx, ry, rz);
                int i = y * width + x;
                float h = (float) (tracer.height * baseR);
                if (h <= capHeight[i]) continue;
                capHeight[i] = h;
                float b = dark, g = dark, r = dark;
                double tr = tracer.transmitted;
                if (tr > 0) {
                    sceneColour(level, gx, gy, gz, sceneZ);
                    float tt = (float) tr, rest = (1 - tt) * dark;
                    b = tt * pyramid.b + rest;
                    g = tt * pyramid.g + rest;
                    r = tt * pyramid.r + rest;
                }
                b = clear * b + scattered;
                g = clear * g + scattered;
                r = clear * r + scattered;
                int o = 4 * i;
                layer.put(o, b * alpha).put(o + 1, g * alpha).put(o + 2, r * alpha).put(o + 3, alpha);
            }
        }
    }

    /** Samples the scene where the tracer's leaving ray from the drop at (gx, gy, gz) meets the scene plane. */
    private void sceneColour(int level, double gx, double gy, double gz, double sceneZ) {
        double oz = Math.max(0.02, tracer.outZ);
        double s = (sceneZ - gz) / oz;
        double sx = gx + s * tracer.outX, sy = gy + s * tracer.outY;
        pyramid.sample(level, focal * sx / sceneZ + centreX, focal * sy / sceneZ + centreY);
    }

    /** The pyramid level whose pixels match how much the drop shrinks the scene: traced at ±half its radius. */
    private int samplingLevel(double cx, double cy, double rPx, double gx, double gy, double gz, double baseR) {
        double left = sceneColumn(cx - 0.5 * rPx, cy, gx, gy, gz, baseR);
        double right = sceneColumn(cx + 0.5 * rPx, cy, gx, gy, gz, baseR);
        if (Double.isNaN(left) || Double.isNaN(right)) return 3;
        double shrink = Math.abs(right - left) / Math.max(0.5, rPx);
        // One level finer than the footprint: a drop's inner view is sharp in real photos (a mild alias is closer
        // to them than a smooth blot; the measured contrast inside drops says so).
        int level = (int) Math.round(Math.log(Math.max(1, shrink)) / Math.log(2)) - 1;
        return Math.max(0, Math.min(ScenePyramid.LEVELS - 1, level));
    }

    /** The scene column (px) pixel (x, y) of the drop at (gx, gy, gz) shows; NaN where it is totally reflected. */
    private double sceneColumn(double x, double y, double gx, double gy, double gz, double baseR) {
        double px = (x - centreX) / focal, py = (y - centreY) / focal;
        double along = planeOffset / (normalY * py + normalZ);
        double len = Math.sqrt(px * px + py * py + 1);
        tracer.trace(px / len, py / len, 1 / len, (along * px - gx) / baseR, (along * py - gy) / baseR, (along - gz) / baseR);
        if (tracer.transmitted <= 0) return Double.NaN;
        double sceneZ = glass.sceneDistance();
        double s = (sceneZ - gz) / Math.max(0.02, tracer.outZ);
        return focal * (gx + s * tracer.outX) / sceneZ;
    }

    /** out = clean (1 − w) + drops, w the coverage ramped from the mask threshold (below it: bit-exact). */
    private void compose() {
        float cut = (float) settings.maskThreshold(), ramp = 1f / (1f - cut);
        for (int i = 0, n = width * height; i < n; i++) {
            float a = accAlpha[i];
            int c = 3 * i;
            if (a <= cut) {
                out[c] = scene[c];
                out[c + 1] = scene[c + 1];
                out[c + 2] = scene[c + 2];
                coverage[i] = 0f;
                continue;
            }
            float w = (a - cut) * ramp, inv = w / a, keep = 1 - w;
            out[c] = level((scene[c] & 0xff) * keep + accColour[c] * inv);
            out[c + 1] = level((scene[c + 1] & 0xff) * keep + accColour[c + 1] * inv);
            out[c + 2] = level((scene[c + 2] & 0xff) * keep + accColour[c + 2] * inv);
            coverage[i] = Math.min(1f, w / FRINGE);
        }
    }

    private static byte level(float v) {
        int x = (int) (v + 0.5f);
        return (byte) (x < 0 ? 0 : Math.min(x, 255));
    }

    /** A disc of the step's diameter over {@code reduce}, its rim antialiased, summing to 1; cached. */
    private Mat kernel(int step, int reduce) {
        int slot = step * 3 + (reduce == 1 ? 0 : reduce == 2 ? 1 : 2);
        if (kernels[slot] != null) return kernels[slot];
        double radius = BLUR_STEPS[step] / 2 / reduce;
        int half = (int) Math.ceil(radius), size = 2 * half + 1;
        float[] k = new float[size * size];
        double sum = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double d = Math.hypot(x - half, y - half);
                double v = Math.max(0, Math.min(1, radius + 0.5 - d));
                k[y * size + x] = (float) v;
                sum += v;
            }
        }
        Mat m = new Mat(size, size, CV_32FC1);
        try (FloatPointer p = new FloatPointer(m.data())) {
            for (int i = 0; i < k.length; i++) p.put(i, (float) (k[i] / sum));
        }
        kernels[slot] = m;
        return m;
    }

    @Override
    public void markStreaks(ByteBuffer mask) {
        if (streaks == null) return;
        for (int i = 0, n = width * height; i < n; i++) if (streakBytes[i] != 0) mask.put(i, (byte) 255);
    }

    @Override
    public void close() {
        pyramid.close();
        if (layerPointer != null) layerPointer.close();
        if (blurredPointer != null) blurredPointer.close();
        layerMat.close();
        blurredMat.close();
        reducedMat.close();
        reducedBlurMat.close();
        for (Mat k : kernels) if (k != null) k.close();
        anchor.close();
    }
}
