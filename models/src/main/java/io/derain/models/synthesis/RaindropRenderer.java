package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC4;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Renders the drops of a {@link DropField} onto a clean BGR24 frame and reports which pixels they cover.
 *
 * <p>Per look, the drops are rasterised into a refraction map and cv::remap samples a reduced, hence
 * smoothed, copy of the scene through it: half size for in-focus windshield drops, a blurred quarter size
 * for out-of-focus lens drops. Windshield drops get dark rims, a specular highlight and a caustic at
 * the lower rim; lens drops are lifted towards white (the glass scatters light) and their colour and
 * coverage are defocused together with a box blur, which gives the soft, bright blobs of the real photos.
 *
 * <p>Outputs: the rainy frame; the coverage (soft, 1..255 where drops alter the frame, 0 elsewhere) and
 * the binary mask (255 where coverage > 0). A pixel whose drop coverage is below
 * {@link RainSettings#maskThreshold()} is left bit-exact and is not in the mask; above it the coverage
 * ramps from 0, so the cut is invisible. Hence every pixel outside the mask equals the clean frame, unless a
 * {@link GlassVeil} is laid over the whole frame.
 *
 * <p>All buffers and Mats are allocated for the first frame of a size and reused; not thread-safe.
 */
public final class RaindropRenderer implements DropRenderer {
    /** Lens drops: how much of the refracted colour survives, and the scattered light added (levels). */
    private static final float LENS_CONTRAST = 0.72f;
    private static final float LENS_LIFT = 62f;

    private final RainSettings settings;
    private int width;
    private int height;
    /** Lens drops are blurry anyway: they are drawn and defocused at half resolution, then upsampled. */
    private DropLayer lensLayer;
    private DropLayer shieldLayer;
    private DropLayer layer;
    private RefractionTarget lensTarget;
    private RefractionTarget shieldTarget;
    private byte[] scene;
    private byte[] out;
    /** The current layer's remapped scene. */
    private byte[] refracted;
    private float[] premultiplied;
    private float[] coverage;
    private final Mat sceneMat = new Mat();
    private final Mat halfMat = new Mat();
    private final Mat quarterMat = new Mat();
    private final Mat lensSource = new Mat();
    private final Mat premultipliedMat = new Mat();
    private final Mat blurredMat = new Mat();
    private FloatPointer premultipliedData;
    private FloatPointer premultipliedHalfData;
    private float[] premultipliedHalf;
    private final Mat premultipliedHalfMat = new Mat();
    private Size halfSize = new Size(1, 1);
    private Size quarterSize = new Size(1, 1);
    private Size fullSize = new Size(1, 1);
    private Size defocusKernel = new Size(1, 1);
    private final Point anchor = new Point(-1, -1);
    private final Size sourceBlur = new Size(3, 3);
    private GlassVeil veil;
    private RainStreaks streaks;
    private byte[] streakBytes = new byte[0];

    public RaindropRenderer(RainSettings settings) {
        this.settings = settings;
    }

    /**
     * The veil laid over every frame rendered from now on (null: none). With a veil every pixel is altered;
     * the mask and coverage still say where the drops are.
     */
    @Override
    public void veil(GlassVeil newVeil) {
        this.veil = newVeil;
    }

    /**
     * Falling rain drawn into the scene behind the drops in every frame rendered from now on (null: none);
     * like the veil it alters pixels outside the drop mask.
     */
    @Override
    public void streaks(RainStreaks newStreaks) {
        this.streaks = newStreaks;
    }

    /**
     * Renders into heap or direct buffers of {@code width * height * 3} BGR bytes (row-major, no padding).
     * Buffer positions are ignored; indices start at 0.
     *
     * @param rainy    receives the rainy frame; may be {@code clean} itself (in place)
     * @param mask     receives width*height bytes, 255 on drop pixels and 0 elsewhere; may be null
     * @param coverage receives width*height bytes of soft drop coverage (0..255); may be null
     */
    @Override
    public void render(DropField field, ByteBuffer clean, int width, int height,
                       ByteBuffer rainy, ByteBuffer mask, ByteBuffer coverage) {
        prepare(field, width, height);
        clean.get(0, scene, 0, scene.length);
        compose(field);
        rainy.put(0, out, 0, out.length);
        if (mask != null) writeMask(mask);
        if (coverage != null) writeCoverage(coverage);
    }

    /** As {@link #render(DropField, ByteBuffer, int, int, ByteBuffer, ByteBuffer, ByteBuffer)} on arrays. */
    public void render(DropField field, byte[] clean, int width, int height,
                       byte[] rainy, byte[] mask, byte[] coverage) {
        render(field, ByteBuffer.wrap(clean), width, height, ByteBuffer.wrap(rainy),
                mask == null ? null : ByteBuffer.wrap(mask), coverage == null ? null : ByteBuffer.wrap(coverage));
    }

    private void prepare(DropField field, int w, int h) {
        if (field.width() != w || field.height() != h) {
            throw new IllegalStateException("the drop field was stepped for " + field.width() + "x"
                    + field.height() + " but the frame is " + w + "x" + h);
        }
        if (w == width && h == height) return;
        width = w;
        height = h;
        int n = w * h;
        int hw = (w + 1) / 2, hh = (h + 1) / 2;
        lensLayer = new DropLayer(hw, hh);
        shieldLayer = new DropLayer(w, h);
        closeQuietly(lensTarget, shieldTarget);
        lensTarget = new RefractionTarget(lensLayer);
        shieldTarget = new RefractionTarget(shieldLayer);
        halfSize.close();
        halfSize = new Size(hw, hh);
        quarterSize.close();
        quarterSize = new Size((hw + 1) / 2, (hh + 1) / 2);
        fullSize.close();
        fullSize = new Size(w, h);
        scene = new byte[n * 3];
        out = new byte[n * 3];
        premultiplied = new float[n * 4];
        premultipliedHalf = new float[hw * hh * 4];
        coverage = new float[n];
        sceneMat.create(h, w, CV_8UC3);
        premultipliedMat.create(h, w, CV_32FC4);
        premultipliedHalfMat.create(hh, hw, CV_32FC4);
        blurredMat.create(hh, hw, CV_32FC4);
        closeQuietly(premultipliedData, premultipliedHalfData);
        premultipliedData = new FloatPointer(premultipliedMat.data());
        premultipliedHalfData = new FloatPointer(premultipliedHalfMat.data());
        int k = 2 * (int) Math.round(settings.defocus() * hh) + 1;
        defocusKernel.close();
        defocusKernel = new Size(k, k);
    }

    private void compose(DropField field) {
        if (streaks != null) {
            if (streakBytes.length != width * height) streakBytes = new byte[width * height];
            else java.util.Arrays.fill(streakBytes, (byte) 0);
            streaks.render(scene, width, height, streakBytes);
        }
        System.arraycopy(scene, 0, out, 0, scene.length);
        java.util.Arrays.fill(coverage, 0f);
        sceneMat.data().put(scene, 0, scene.length);
        resize(sceneMat, halfMat, halfSize, 0, 0, INTER_AREA);
        double fieldOfView = settings.refraction() * height;
        if (settings.style().includes(RainStyle.LENS)
                && lensLayer.rasterize(field.drops(), RainStyle.LENS, 0.5, 0.5f, fieldOfView)) {
            layer = lensLayer;
            resize(halfMat, quarterMat, quarterSize, 0, 0, INTER_AREA);
            blur(quarterMat, lensSource, sourceBlur);
            lensTarget.refract(lensSource);
            refracted = lensTarget.pixels;
            defocusLens();
        }
        if (settings.style().includes(RainStyle.WINDSHIELD)
                && shieldLayer.rasterize(field.drops(), RainStyle.WINDSHIELD, 1.0, 0.5f, fieldOfView)) {
            layer = shieldLayer;
            shieldTarget.refract(halfMat);
            refracted = shieldTarget.pixels;
            blendWindshield();
        }
        if (veil != null) veil.apply(out, width, height);
    }

    /** Lens drops are out of focus: blur their premultiplied colour and coverage together, then blend. */
    private void defocusLens() {
        float[] a = layer.alpha, g = layer.gain, p = premultipliedHalf;
        for (int i = 0, n = layer.width * layer.height; i < n; i++) {
            float ai = a[i];
            int c = 3 * i, o = 4 * i;
            if (ai <= 0f) {
                p[o] = p[o + 1] = p[o + 2] = p[o + 3] = 0f;
                continue;
            }
            float s = g[i] * LENS_CONTRAST * ai, lift = LENS_LIFT * ai;
            p[o] = (refracted[c] & 0xff) * s + lift;
            p[o + 1] = (refracted[c + 1] & 0xff) * s + lift;
            p[o + 2] = (refracted[c + 2] & 0xff) * s + lift;
            p[o + 3] = ai;
        }
        premultipliedHalfData.put(p, 0, p.length);
        if (defocusKernel.width() > 1) {
            blur(premultipliedHalfMat, blurredMat, defocusKernel, anchor, BORDER_REFLECT_101);
            blur(blurredMat, premultipliedHalfMat, defocusKernel, anchor, BORDER_REFLECT_101);
        }
        resize(premultipliedHalfMat, premultipliedMat, fullSize, 0, 0, INTER_LINEAR);
        p = premultiplied;
        premultipliedData.get(p, 0, p.length);
        float cut = (float) settings.maskThreshold(), ramp = 1f / (1f - cut);
        for (int i = 0, n = width * height; i < n; i++) {
            int o = 4 * i;
            float ai = p[o + 3];
            if (ai <= cut) continue;
            float w = (ai - cut) * ramp, inv = w / ai;
            blend(i, p[o] * inv, p[o + 1] * inv, p[o + 2] * inv, w);
        }
    }

    private void blendWindshield() {
        float[] a = layer.alpha, g = layer.gain, l = layer.lift;
        float cut = (float) settings.maskThreshold(), ramp = 1f / (1f - cut);
        for (int i = 0, n = width * height; i < n; i++) {
            float ai = a[i];
            if (ai <= cut) continue;
            float w = (ai - cut) * ramp;
            int c = 3 * i;
            float gi = g[i], li = l[i];
            blend(i, ((refracted[c] & 0xff) * gi + li) * w, ((refracted[c + 1] & 0xff) * gi + li) * w,
                    ((refracted[c + 2] & 0xff) * gi + li) * w, w);
        }
    }

    /** out = out (1 - w) + premultiplied colour; coverage accumulates like stacked translucent layers. */
    private void blend(int i, float b, float g, float r, float w) {
        int c = 3 * i;
        float keep = 1f - w;
        out[c] = level((out[c] & 0xff) * keep + b);
        out[c + 1] = level((out[c + 1] & 0xff) * keep + g);
        out[c + 2] = level((out[c + 2] & 0xff) * keep + r);
        coverage[i] = 1f - (1f - coverage[i]) * keep;
    }

    private static byte level(float v) {
        int x = (int) (v + 0.5f);
        return (byte) (x < 0 ? 0 : Math.min(x, 255));
    }

    /**
     * Sets {@code mask} (width*height bytes) to 255 where the last frame rendered got a streak, leaving its other
     * bytes as they are: a mask of drops becomes one of all the rain the frame shows. Nothing without streaks.
     */
    @Override
    public void markStreaks(ByteBuffer mask) {
        if (streaks == null) return;
        for (int i = 0, n = width * height; i < n; i++) if (streakBytes[i] != 0) mask.put(i, (byte) 255);
    }

    private void writeMask(ByteBuffer mask) {
        for (int i = 0, n = width * height; i < n; i++) mask.put(i, coverage[i] > 0f ? (byte) 255 : 0);
    }

    private void writeCoverage(ByteBuffer target) {
        for (int i = 0, n = width * height; i < n; i++) {
            float c = coverage[i];
            target.put(i, c > 0f ? (byte) Math.max(1, Math.min(255, Math.round(c * 255f))) : 0);
        }
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) continue;
            try {
                r.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(premultipliedData, premultipliedHalfData, lensTarget, shieldTarget);
        for (Mat m : new Mat[] {sceneMat, halfMat, quarterMat, lensSource,
                premultipliedMat, premultipliedHalfMat, blurredMat}) {
            m.close();
        }
        defocusKernel.close();
        anchor.close();
        halfSize.close();
        quarterSize.close();
        fullSize.close();
        sourceBlur.close();
    }
}
