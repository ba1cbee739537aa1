package io.derain.pipeline.media;

import org.bytedeco.javacv.Frame;

/**
 * Decoded audio samples, owned by this item (a copy: the grabber reuses its buffers), passed through
 * to the sink untouched and in their original position relative to the video frames.
 */
public record AudioItem(Frame samples) implements MediaItem {}
