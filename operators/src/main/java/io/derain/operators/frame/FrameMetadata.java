package io.derain.operators.frame;

/**
 * What travels with a frame from source to sink besides its pixels. The source fills it when it decodes
 * the frame, the operator adds what it measured (drop coverage), sinks read it (Kafka headers, segment
 * names, latency). Reused with its frame: a source must {@link #clear()} or overwrite every field.
 *
 * <p>The frame's presentation time and index stay on {@link VideoFrame} itself.
 */
public final class FrameMetadata {
    /** Capture time not known (files without a creation time). */
    public static final long UNKNOWN_TIME = Long.MIN_VALUE;

    private String camera;
    private long captureTimeMicros = UNKNOWN_TIME;
    private double dropCoverage = Double.NaN;
    private SourcePosition position;

    /** The camera (stream key) the frame belongs to, or null if the source has no such name. */
    public String camera() { return camera; }
    public void setCamera(String camera) { this.camera = camera; }

    /** Wall-clock time the frame was captured or received, µs since the epoch, or {@link #UNKNOWN_TIME}. */
    public long captureTimeMicros() { return captureTimeMicros; }
    public void setCaptureTimeMicros(long micros) { this.captureTimeMicros = micros; }

    /**
     * Fraction of the frame (0..1) that the operator's raindrop map calls drops, at the model's calibrated
     * threshold; NaN until an operator measured it.
     */
    public double dropCoverage() { return dropCoverage; }
    public void setDropCoverage(double coverage) { this.dropCoverage = coverage; }

    /** The source's own position of the frame (see {@link SourcePosition}), or null. */
    public SourcePosition position() { return position; }
    public void setPosition(SourcePosition position) { this.position = position; }

    /** Forgets everything, for a reused frame. */
    public void clear() {
        camera = null;
        captureTimeMicros = UNKNOWN_TIME;
        dropCoverage = Double.NaN;
        position = null;
    }

    /** Copies every field of {@code other} (positions are immutable and shared). */
    public void copyFrom(FrameMetadata other) {
        camera = other.camera;
        captureTimeMicros = other.captureTimeMicros;
        dropCoverage = other.dropCoverage;
        position = other.position;
    }
}
