package io.derain.models.synthesis;

import java.nio.ByteBuffer;

/**
 * Draws the drops of a {@link DropField} over a clean frame. Two implementations: {@link RaindropRenderer}
 * (the heuristic lens and windshield looks) and {@link OpticalRenderer} (drops as spherical caps, traced per
 * pixel). Both report soft coverage, leave pixels outside it bit-exact unless a veil or streaks are laid, and
 * reuse their buffers across frames of one size; neither is thread-safe.
 */
public interface DropRenderer extends AutoCloseable {

    /**
     * Renders into heap or direct buffers of {@code width * height * 3} BGR bytes (row-major, no padding).
     * Buffer positions are ignored; indices start at 0.
     *
     * @param rainy    receives the rainy frame; may be {@code clean} itself (in place)
     * @param mask     receives width*height bytes, 255 where drops alter the frame and 0 elsewhere; may be null
     * @param coverage receives width*height bytes of soft drop coverage (0..255, see {@link DropMask}); may be null
     */
    void render(DropField field, ByteBuffer clean, int width, int height, ByteBuffer rainy, ByteBuffer mask, ByteBuffer coverage);

    /** The wet-glass veil laid over every frame rendered from now on (null: none). */
    void veil(GlassVeil veil);

    /** Falling rain drawn into the scene behind the drops in every frame rendered from now on (null: none). */
    void streaks(RainStreaks streaks);

    /** Sets {@code mask} to 255 where the last frame got a streak, leaving its other bytes as they are. */
    void markStreaks(ByteBuffer mask);

    /** A renderer for the settings' style: {@link OpticalRenderer} for {@link RainStyle#OPTICAL}, else the heuristic one. */
    static DropRenderer forStyle(RainSettings settings, GlassSetup glass, long seed) {
        return settings.style() == RainStyle.OPTICAL ? new OpticalRenderer(settings, glass, seed) : new RaindropRenderer(settings);
    }

    @Override
    void close();
}
