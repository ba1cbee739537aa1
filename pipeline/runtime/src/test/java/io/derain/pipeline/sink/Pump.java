package io.derain.pipeline.sink;

import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FrameSource;

/** Moves everything from a source to a sink unchanged, as the runtime does with an identity operator. */
final class Pump {
    private Pump() {}

    static int copy(FrameSource source, FrameSink sink) throws Exception {
        int frames = 0;
        MediaItem item;
        while ((item = source.next()) != null) {
            if (item instanceof VideoItem v) {
                sink.write(v.frame());
                source.recycle(v.frame());
                frames++;
            } else if (item instanceof AudioItem a) {
                sink.write(a);
            }
        }
        return frames;
    }
}
