package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.derain.pipeline.InputException;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
    private static final SourceInfo CLIP = new SourceInfo("clip.mp4", 64, 48, 25, 221, null);

    @Test
    void lastSecondsAreTheFinalFrames() {
        assertEquals(new TimeWindow.Frames(171, 221), TimeWindow.last(2).resolve(CLIP));
        assertEquals(new TimeWindow.Frames(0, 221), TimeWindow.last(60).resolve(CLIP), "longer than the clip: all of it");
        assertEquals(new TimeWindow.Frames(220, 221), TimeWindow.last(0.01).resolve(CLIP), "at least one frame");
    }

    @Test
    void fromStartsOnTheFrameGridAndStopsAtTheEnd() {
        assertEquals(new TimeWindow.Frames(10, 15), TimeWindow.from(0.4, 0.2).resolve(CLIP));
        assertEquals(new TimeWindow.Frames(200, 221), TimeWindow.from(8, Double.POSITIVE_INFINITY).resolve(CLIP));
        assertEquals(new TimeWindow.Frames(200, 221), TimeWindow.from(8, 5).resolve(CLIP));
    }

    @Test
    void windowsThatCannotApplyAreBadInput() {
        assertThrows(InputException.class, () -> TimeWindow.from(9, 1).resolve(CLIP));
        assertThrows(InputException.class, () -> TimeWindow.last(1).resolve(new SourceInfo("dir", 64, 48, 0, 3, null)));
        assertThrows(InputException.class, () -> TimeWindow.last(1).resolve(new SourceInfo("live", 64, 48, 25, -1, null)));
    }
}
