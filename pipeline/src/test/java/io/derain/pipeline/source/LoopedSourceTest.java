package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopedSourceTest {
    @TempDir Path tmp;

    /** The 38-frame clip played to 100 frames: one stream of 100 frames, 40 ms apart, no audio. */
    @Test
    void playsTheClipAgainAsOneContinuousStream() throws Exception {
        try (LoopedSource source = new LoopedSource(TestMedia.shortClip(), 100)) {
            assertEquals(100, source.info().frameCount());
            assertFalse(source.info().hasAudio(), "audio is dropped: its timestamps would restart");
            long frames = 0;
            java.util.Set<Object> buffers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            MediaItem item;
            while ((item = source.next()) != null) {
                assertTrue(item instanceof VideoItem, "video only");
                var frame = ((VideoItem) item).frame();
                assertEquals(frames, frame.index());
                assertEquals(frames * 40_000L, frame.timestampMicros(), "frame " + frames);
                assertEquals(1280, frame.width());
                buffers.add(frame);
                frames++;
                source.recycle(frame);
            }
            assertEquals(100, frames);
            assertEquals(1, buffers.size(), "recycled frames are reused across passes: no new buffers per loop");
            assertNull(source.next(), "stays at the end");
        }
    }

    @Test
    void refusesWhatCannotLoop() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video");
        InputException e = assertThrows(InputException.class, () -> new LoopedSource(text, 10));
        assertTrue(e.getMessage().contains("notes.mp4"), e.getMessage());
        Path still = TestMedia.realRain().resolve("case1.jpg");
        e = assertThrows(InputException.class, () -> new LoopedSource(still, 10));
        assertTrue(e.getMessage().contains("not a video"), e.getMessage());
    }
}
