package io.derain.pipeline.media;

/** What a source yields, in stream order: a video frame for the operators, or audio passed through. */
public sealed interface MediaItem permits VideoItem, AudioItem {}
