package io.derain.models.synthesis;

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
    private final RaindropRenderer renderer;

    public RainSimulation(RainSettings settings, long seed) {
        this.field = new DropField(settings, seed);
        this.renderer = new RaindropRenderer(settings);
        // A stream of its own, so the drops of a seed are what they were before the veil existed.
        if (settings.veil() > 0) renderer.veil(new GlassVeil(settings.veil(), new java.util.SplittableRandom(~seed)));
        if (settings.streaks() > 0) renderer.streaks(new RainStreaks(settings.streaks(), seed * 0x9E3779B97F4A7C15L + 7));
    }

    public DropField field() { return field; }

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
        field.step(clean.cols(), clean.rows());
        renderer.render(field, clean, rainy, mask, coverage);
    }

    @Override
    public void close() {
        renderer.close();
    }
}
