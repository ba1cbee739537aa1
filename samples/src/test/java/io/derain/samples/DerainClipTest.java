package io.derain.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.runtime.JobReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerainClipTest {
    @TempDir
    Path tmp;

    @Test
    void derainsAClipIntoAPlayableVideoOfTheSameFramesAndSize() throws Exception {
        Path clip = SampleClips.firstFrames(6, tmp.resolve("rainy-6.mp4"));
        Path out = tmp.resolve("derained.mp4");
        JobReport report = DerainClip.derain(clip, out);
        assertEquals(6, report.frames());
        assertFalse(report.stopped());
        // Read back by a plain FFmpeg grabber, not the library's own source.
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile())) {
            g.start();
            int frames = 0;
            while (g.grabImage() != null) frames++;
            assertEquals(6, frames, "frame count");
            assertEquals(640, g.getImageWidth());
            assertEquals(360, g.getImageHeight());
            assertEquals(25.0, g.getFrameRate(), 0.01);
        }
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("partial")), "no partial file left");
        }
    }

    @Test
    void mainPrintsOneLine() throws Exception {
        Path clip = SampleClips.firstFrames(2, tmp.resolve("rainy-2.mp4"));
        var stdout = new java.io.ByteArrayOutputStream();
        var previous = System.out;
        System.setOut(new java.io.PrintStream(stdout, true));
        try {
            DerainClip.main(new String[] {clip.toString(), tmp.resolve("out.mp4").toString()});
        } finally {
            System.setOut(previous);
        }
        assertTrue(stdout.toString().matches("wrote .*out\\.mp4: 2 frames in [0-9.]+ s \\([0-9.]+ fps\\)\\R"), stdout.toString());
    }
}
