package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourceTest {
    @TempDir Path tmp;

    @Test
    void directoryYieldsEveryImageSortedByNameAndLabelled() throws Exception {
        try (FrameSource source = Sources.open(TestMedia.realRain())) {
            assertTrue(source instanceof ImageSource);
            assertEquals(8, source.info().frameCount());
            assertEquals(0, source.info().frameRate());
            assertNull(source.info().audio());
            List<String> labels = new ArrayList<>();
            MediaItem item;
            while ((item = source.next()) != null) {
                VideoFrame f = ((VideoItem) item).frame();
                assertEquals(labels.size(), f.index());
                assertTrue(f.width() > 0 && f.height() > 0);
                if (f.label().endsWith(".jpg")) {
                    assertEquals(720, f.width());
                    assertEquals(480, f.height());
                }
                labels.add(f.label());
                source.recycle(f);
            }
            assertEquals(List.of("case1.jpg", "case2.jpg", "case3.jpg", "case4.jpg", "case5.jpg",
                    "test_1.png", "test_2.png", "test_3.png"), labels);
        }
    }

    @Test
    void singleImage() throws Exception {
        Path png = TestMedia.realRain().resolve("test_1.png");
        try (FrameSource source = Sources.open(png)) {
            VideoFrame f = ((VideoItem) source.next()).frame();
            assertEquals("test_1.png", f.label());
            assertEquals(source.info().width(), f.width());
            assertNull(source.next());
        }
    }

    @Test
    void emptyDirectory() {
        VideoFileSourceTest.assertInput(tmp, tmp.getFileName().toString(), "no images");
    }

    @Test
    void unreadableImageAloneFailsAtOpen() throws Exception {
        Path fake = Files.writeString(tmp.resolve("broken.jpg"), "not a jpeg");
        VideoFileSourceTest.assertInput(fake, "broken.jpg", "not a JPEG image");
    }

    @Test
    void unreadableImageInADirectoryIsNamedWhenReached() throws Exception {
        Files.copy(TestMedia.realRain().resolve("case1.jpg"), tmp.resolve("a.jpg"));
        Files.writeString(tmp.resolve("b.png"), "not a png");
        Files.writeString(tmp.resolve("notes.txt"), "ignored: not an image name");
        try (FrameSource source = Sources.open(tmp)) {
            assertEquals(2, source.info().frameCount());
            assertEquals("a.jpg", ((VideoItem) source.next()).frame().label());
            InputException e = assertThrows(InputException.class, source::next);
            assertTrue(e.getMessage().contains("b.png"), e.getMessage());
        }
    }
}
