package io.derain.pipeline.source;

/**
 * What a sink needs to know about a source before the first frame.
 *
 * @param name           the input as the user named it (for messages)
 * @param width          frame width of the first frame (image directories may vary per frame)
 * @param height         frame height of the first frame
 * @param frameRate      frames per second, or 0 for still images
 * @param frameCount     frames expected, or -1 if unknown (live streams)
 * @param audio          the audio stream's format, or null if there is none
 * @param live           true for a source that does not wait for us (a camera): the runtime then sheds
 *                       load by dropping frames instead of blocking the source
 */
public record SourceInfo(String name, int width, int height, double frameRate, long frameCount, AudioFormat audio,
                         boolean live) {

    /** A finite source (file, images). */
    public SourceInfo(String name, int width, int height, double frameRate, long frameCount, AudioFormat audio) {
        this(name, width, height, frameRate, frameCount, audio, false);
    }

    /** @param sampleRate samples per second; @param channels channel count; @param bitrate bits/s or 0 */
    public record AudioFormat(int sampleRate, int channels, int bitrate) {}

    public boolean hasAudio() { return audio != null; }

    /** The same source with frames of another size (a sink that writes composed frames). */
    public SourceInfo withSize(int newWidth, int newHeight) {
        return new SourceInfo(name, newWidth, newHeight, frameRate, frameCount, audio, live);
    }

    /** The same source at another frame rate (a source thinned to a target rate). */
    public SourceInfo withFrameRate(double fps, long frames) {
        return new SourceInfo(name, width, height, fps, frames, audio, live);
    }
}
