package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Rain on a video: one {@link DropField} stepped per frame and drawn by one {@link RaindropRenderer}, under
 * one {@link GlassVeil} and with {@link RainStreaks} falling behind the drops when the settings ask for them.
 * The same settings, seed and sequence of frames give the same rainy frames and masks; a frame of another
 * size restarts the field (in its steady state). Also usable for single training images: every call is a
 * new frame of an evolving field, so consecutive calls on unrelated images still get fresh-looking drops.
 */
public final class RainSimulation implements AutoCloseable {
    private final DropField field;
    private final DropRenderer renderer;
    private final Mat wrapped = new Mat();

    /** Rain of the settings' style; {@link RainStyle#OPTICAL} drops on glass drawn from {@link GlassSetup#ANY}. */
    public RainSimulation(RainSettings settings, long seed) {
        this(settings, seed, GlassSetup.ANY);
    }

    /** @param glass the glass {@link RainStyle#OPTICAL} drops sit on (one geometry per simulation); ignored by other styles */
    public RainSimulation(RainSettings settings, long seed, GlassSetup glass) {
        this.field = new DropField(settings, seed);
        this.renderer = DropRenderer.forStyle(settings, glass, seed);
        // A stream of its own, so the drops of a seed are what they were before the veil existed.
        if (settings.veil() > 0) renderer.veil(new GlassVeil(settings.veil(), settings.veilLift(), new java.util.SplittableRandom(~seed)));
        if (settings.streaks() > 0) renderer.streaks(new RainStreaks(settings.streaks(), seed * 0x9E3779B97F4A7C15L + 7));
    }

    public DropField field() { return field; }

    /** The geometry the drops are traced through; null for the heuristic styles. */
    public GlassGeometry glass() {
        return renderer instanceof OpticalRenderer optical ? optical.glass() : null;
    }

    /**
     * Advances the rain by one frame and renders it onto {@code clean} (BGR24, width*height*3 bytes).
     *
     * @param rainy    receives the rainy frame; may be {@code clean} (in place)
     * @param mask     width*height bytes: 255 where drops alter the frame, 0 elsewhere; may be null
     * @param coverage width*height bytes of soft drop coverage 0..255; may be null
     */
    public void next(ByteBuffer clean, int width, int height, ByteBuffer rainy, ByteBuffer mask, ByteBuffer coverage) {
        field.step(width, height);
        renderer.render(field, clean, width, height, rainy, mask, coverage);
    }

    /** As {@link #next(ByteBuffer, int, int, ByteBuffer, ByteBuffer, ByteBuffer)} for a CV_8UC3 Mat. */
    public void next(Mat clean, Mat rainy, Mat mask, Mat coverage) {
        if (clean.type() != CV_8UC3) throw new IllegalArgumentException("expected an 8-bit BGR frame");
        int w = clean.cols(), h = clean.rows();
        Mat source = clean;
        if (!clean.isContinuous()) {
            clean.copyTo(wrapped);
            source = wrapped;
        }
        rainy.create(h, w, CV_8UC3);
        if (mask != null) mask.create(h, w, CV_8UC1);
        if (coverage != null) coverage.create(h, w, CV_8UC1);
        for (Mat m : new Mat[] {rainy, mask, coverage}) {
            if (m != null && !m.isContinuous()) throw new IllegalArgumentException("output Mats must be continuous");
        }
        next(bytes(source, 3L * w * h), w, h, bytes(rainy, 3L * w * h),
                mask == null ? null : bytes(mask, (long) w * h), coverage == null ? null : bytes(coverage, (long) w * h));
    }

    private static ByteBuffer bytes(Mat m, long size) {
        return m.data().capacity(size).asBuffer();
    }

    @Override
    public void close() {
        renderer.close();
        wrapped.close();
    }
}
