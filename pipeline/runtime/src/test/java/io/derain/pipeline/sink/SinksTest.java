package io.derain.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.SourceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinksTest {
    private static final SourceInfo VIDEO = new SourceInfo("in.mp4", 64, 48, 25, 10, null);
    private static final SourceInfo IMAGES = new SourceInfo("frames", 64, 48, 0, 8, null);
    private static final SourceInfo IMAGE = new SourceInfo("one.png", 64, 48, 0, 1, null);

    @TempDir Path tmp;

    @Test
    void videoInputToAnImageIsRefused() {
        assertRefused(tmp.resolve("out.jpg"), VIDEO, "is a video");
        assertRefused(tmp.resolve("outdir"), VIDEO, "is a video");
    }

    @Test
    void stillsToAVideoIsRefused() {
        assertRefused(tmp.resolve("out.mp4"), IMAGES, "still images");
    }

    @Test
    void manyImagesNeedADirectory() {
        assertRefused(tmp.resolve("out.png"), IMAGES, "directory");
    }

    @Test
    void unknownExtensionIsRefused() {
        assertRefused(tmp.resolve("out.txt"), VIDEO, "unsupported output type");
    }

    @Test
    void missingParentDirectoryIsRefused() {
        assertRefused(tmp.resolve("no/such/dir/out.mp4"), VIDEO, "does not exist");
    }

    @Test
    void picksTheSinkByOutputPath() throws Exception {
        try (FrameSink s = Sinks.open(tmp.resolve("a.mkv"), VIDEO, false)) {
            assertTrue(s instanceof VideoFileSink);
        }
        try (FrameSink s = Sinks.open(tmp.resolve("a.png"), IMAGE, false)) {
            assertTrue(s instanceof ImageSink);
        }
        try (FrameSink s = Sinks.open(Files.createDirectory(tmp.resolve("dir.v2")), IMAGES, false)) {
            assertTrue(s instanceof ImageSink);
        }
        try (var files = Files.list(tmp)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals("dir.v2")), "nothing committed");
        }
    }

    private static void assertRefused(Path output, SourceInfo info, String problem) {
        InputException e = assertThrows(InputException.class, () -> Sinks.open(output, info, false).close());
        assertTrue(e.getMessage().contains(output.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
