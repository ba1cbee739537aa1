package io.derain.operators.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One decoded picture: tightly packed BGR24 pixels (OpenCV's order, the order the released weights
 * expect) in a direct buffer, plus where it sits in its stream.
 *
 * <p>Frames are mutable and meant to be reused: a source fills one, operators rewrite its pixels in
 * place, a sink encodes it, and the runtime may hand it back to the source. The optional attention map
 * (8-bit, one byte per pixel, 255 = certainly a raindrop) is written by operators that predict one; the
 * {@link #metadata()} carries what the source knew of the frame and what the operator measured.
 */
public final class VideoFrame {
    private int width;
    private int height;
    private ByteBuffer pixels;
    private ByteBuffer attention;
    private boolean hasAttention;
    private long timestampMicros;
    private long index;
    private String label;
    private final FrameMetadata metadata = new FrameMetadata();

    public VideoFrame(int width, int height) {
        resize(width, height);
    }

    /** Reallocates the pixel buffer only when the size grows beyond its capacity. */
    public void resize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        int bytes = Math.multiplyExact(Math.multiplyExact(width, height), 3);
        if (pixels == null || pixels.capacity() < bytes) {
            pixels = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        pixels.clear().limit(bytes);
        hasAttention = false;
    }

    public int width() { return width; }
    public int height() { return height; }
    /** Bytes per row of {@link #pixels()}: always {@code width * 3} (no padding). */
    public int stride() { return width * 3; }

    /** BGR24, row-major, {@code height * stride()} bytes; position 0, limit at the frame's size. */
    public ByteBuffer pixels() { return pixels.duplicate().clear().limit(height * stride()); }

    /** The attention map written by the last operator, or {@code null} if none was. */
    public ByteBuffer attention() {
        return hasAttention ? attention.duplicate().clear().limit(width * height) : null;
    }

    /** A buffer of {@code width * height} bytes to write the attention map into; marks the map present. */
    public ByteBuffer attentionForWriting() {
        int bytes = width * height;
        if (attention == null || attention.capacity() < bytes) {
            attention = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        hasAttention = true;
        return attention.duplicate().clear().limit(bytes);
    }

    public void clearAttention() { hasAttention = false; }

    public long timestampMicros() { return timestampMicros; }
    public void setTimestampMicros(long timestampMicros) { this.timestampMicros = timestampMicros; }

    /** Position of the frame in its source, from 0. */
    public long index() { return index; }
    public void setIndex(long index) { this.index = index; }

    /** Where the frame came from when a source has names for its frames (an image file name), else null. */
    public String label() { return label; }
    public void setLabel(String label) { this.label = label; }

    /** Camera, capture time, drop coverage and source position: see {@link FrameMetadata}. */
    public FrameMetadata metadata() { return metadata; }

    public boolean sameSizeAs(VideoFrame other) {
        return width == other.width && height == other.height;
    }

    @Override
    public String toString() {
        return "VideoFrame#" + index + "[" + width + "x" + height + " @" + timestampMicros + "us"
                + (label != null ? " " + label : "") + "]";
    }
}
