package io.derain.models.training;

import java.nio.ByteBuffer;

/**
 * A clean (rain-free) training picture: BGR24 pixels, tightly packed, in a direct buffer.
 *
 * @param name where it came from, for logs ("solidWhiteRight.mp4#12")
 */
public record CleanImage(String name, int width, int height, ByteBuffer pixels) {
    public CleanImage {
        if (!pixels.isDirect() || pixels.capacity() < width * height * 3) {
            throw new IllegalArgumentException(name + ": pixels must be a direct buffer of width*height*3 bytes");
        }
    }
}
