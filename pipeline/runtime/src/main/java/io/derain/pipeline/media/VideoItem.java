package io.derain.pipeline.media;

import io.derain.operators.frame.VideoFrame;

/** A decoded video frame. */
public record VideoItem(VideoFrame frame) implements MediaItem {}
