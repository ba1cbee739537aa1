package io.derain.pipeline.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.TestMedia;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LiveViewTest {
    private static final int W = 64, H = 48;

    @Test
    void capturesOnlyWhileWatchedAndPairsTheInputWithItsDerainedFrame() throws Exception {
        LiveView view = new LiveView(Duration.ZERO);
        pass(view, 0);
        assertNull(view.acquire(), "nobody watches: nothing captured");

        view.watch();
        VideoFrame frame = pass(view, 1);
        LiveView.Snapshot s = view.acquire();
        assertNotNull(s);
        try {
            assertEquals(1, s.index());
            assertEquals(W, s.width());
            byte[] input = new byte[W * H * 3];
            TestMedia.gradient(W, H, 1).pixels().get(input);
            assertArrayEquals(input, Arrays.copyOf(s.input(), input.length), "the input as it left the source");
            byte[] derained = new byte[W * H * 3];
            frame.pixels().get(derained);
            assertArrayEquals(derained, Arrays.copyOf(s.derained(), derained.length), "the pixels as written");
            assertEquals(200, s.map()[0] & 0xff);
        } finally {
            view.release(s);
        }
    }

    @Test
    void aFrameDroppedOnTheWayLeavesNoHalfCapture() throws Exception {
        LiveView view = new LiveView(Duration.ZERO);
        view.watch();
        VideoFrame dropped = TestMedia.gradient(W, H, 5);
        dropped.setIndex(5);
        view.inputTap().see(dropped); // captured, then dropped before the sink
        pass(view, 6);                // 6 is written without its input: the capture of 5 is abandoned
        assertNull(view.acquire());
        pass(view, 7);
        LiveView.Snapshot s = view.acquire();
        assertEquals(7, s.index());
        view.release(s);
    }

    @Test
    void capturesAtMostOncePerIntervalAndWakesWaiters() throws Exception {
        LiveView view = new LiveView(Duration.ofHours(1));
        view.watch();
        pass(view, 0);
        pass(view, 1);
        LiveView.Snapshot first = view.acquire();
        assertEquals(0, first.index(), "the second frame came within the interval");
        view.release(first);
        assertNull(view.awaitNewer(first.version(), Duration.ofMillis(50)), "nothing newer: times out");
    }

    @Test
    void jpegPanelsHaveTheFramesSizeAndSideBySideIsThreeWide() throws Exception {
        LiveView view = new LiveView(Duration.ZERO);
        view.watch();
        pass(view, 0);
        LiveView.Snapshot s = view.acquire();
        try {
            SnapshotJpeg jpeg = new SnapshotJpeg(960, 80);
            BufferedImage one = ImageIO.read(new ByteArrayInputStream(jpeg.encode(s, Panel.DERAINED)));
            assertEquals(W, one.getWidth());
            assertEquals(H, one.getHeight());
            BufferedImage three = ImageIO.read(new ByteArrayInputStream(jpeg.encode(s, Panel.SIDE_BY_SIDE)));
            assertEquals(3 * W, three.getWidth());
            int map = three.getRGB(2 * W + W / 2, H / 2) & 0xff;
            assertTrue(map > 180 && map < 220, "the map panel is the map in grey: " + map);
        } finally {
            view.release(s);
        }
        {
            SnapshotJpeg small = new SnapshotJpeg(32, 80);
            LiveView.Snapshot again = view.acquire();
            BufferedImage scaled = ImageIO.read(new ByteArrayInputStream(small.encode(again, Panel.SIDE_BY_SIDE)));
            view.release(again);
            assertEquals(96, scaled.getWidth(), "each panel scaled to 32 wide");
            assertEquals(24, scaled.getHeight());
        }
        assertEquals(Panel.SIDE_BY_SIDE, Panel.of("side-by-side"));
        assertNull(Panel.of("sideways"));
    }

    /** One frame through the view: tapped at the source, "derained" (inverted) with a map of 200, written. */
    private static VideoFrame pass(LiveView view, int index) throws Exception {
        VideoFrame f = TestMedia.gradient(W, H, index);
        f.setIndex(index);
        view.inputTap().see(f);
        var px = f.pixels();
        for (int i = 0; i < px.limit(); i++) px.put(i, (byte) ~px.get(i));
        var map = f.attentionForWriting();
        for (int i = 0; i < map.limit(); i++) map.put(i, (byte) 200);
        view.output(f);
        return f;
    }
}
