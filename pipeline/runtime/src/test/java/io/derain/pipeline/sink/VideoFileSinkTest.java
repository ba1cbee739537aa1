package io.derain.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.TestMedia;
import io.derain.pipeline.source.TestMedia.Probe;
import io.derain.pipeline.source.VideoFileSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFileSinkTest {
    @TempDir Path tmp;

    @Test
    void reencodedClipKeepsFramesRateSizeTimestampsAndPixels() throws Exception {
        Path out = tmp.resolve("out.mp4");
        try (VideoFileSource source = VideoFileSource.open(TestMedia.shortClip());
             VideoFileSink sink = new VideoFileSink(out, source.info(), false)) {
            assertEquals(38, Pump.copy(source, sink));
            sink.commit();
        }
        Probe in = TestMedia.probe(TestMedia.shortClip());
        Probe probe = TestMedia.probe(out);
        assertEquals(38, probe.frames());
        assertEquals(25.0, probe.frameRate(), 1e-9);
        assertEquals(1280, probe.width());
        assertEquals(720, probe.height());
        assertEquals("h264", probe.videoCodec());
        assertEquals(in.timestamps(), probe.timestamps());
        assertEquals(2, probe.audioChannels());
        double mad = TestMedia.meanAbsDiff(TestMedia.shortClip(), out);
        assertTrue(mad < 3, "mean abs difference " + mad);
        assertEquals(List.of(out), list(tmp), "only the output: the temporary file was renamed");
    }

    @Test
    void audioIsReencodedToAacWithTheSourceFormat() throws Exception {
        Path out = tmp.resolve("with-audio.mp4");
        try (VideoFileSource source = VideoFileSource.open(TestMedia.audioClip());
             VideoFileSink sink = new VideoFileSink(out, source.info(), false)) {
            assertEquals(221, Pump.copy(source, sink));
            sink.commit();
        }
        Probe probe = TestMedia.probe(out);
        assertEquals(221, probe.frames());
        assertEquals(25.0, probe.frameRate(), 1e-9);
        assertEquals(960, probe.width());
        assertEquals(540, probe.height());
        assertEquals("aac", probe.audioCodec());
        assertEquals(48000, probe.sampleRate());
        assertEquals(2, probe.audioChannels());
        long inSamples = audioSamples(TestMedia.audioClip());
        long outSamples = audioSamples(out);
        // AAC adds up to a frame of padding at each end (1024 samples per frame).
        assertTrue(Math.abs(outSamples - inSamples) <= 2048, inSamples + " samples in, " + outSamples + " out");
    }

    @Test
    void containerFollowsTheExtension() throws Exception {
        for (String name : List.of("clip.mkv", "clip.mov")) {
            Path out = tmp.resolve(name);
            writeGradient(out, 64, 48, 10, false);
            Probe probe = TestMedia.probe(out);
            assertEquals(10, probe.frames(), name);
            assertEquals(25.0, probe.frameRate(), 1e-9, name);
            assertEquals("h264", probe.videoCodec(), name);
            try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toString())) {
                g.start();
                assertTrue(g.getFormat().contains(name.endsWith("mkv") ? "matroska" : "mov"), g.getFormat());
            }
        }
    }

    @Test
    void oddSizesLoseTheirLastColumnAndRow() throws Exception {
        Path out = tmp.resolve("odd.mp4");
        writeGradient(out, 65, 49, 5, false);
        Probe probe = TestMedia.probe(out);
        assertEquals(64, probe.width());
        assertEquals(48, probe.height());
        assertEquals(5, probe.frames());
    }

    @Test
    void closeWithoutCommitLeavesNothingBehind() throws Exception {
        Path out = tmp.resolve("abandoned.mp4");
        writeGradient(out, 64, 48, 5, true);
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void existingOutputIsKeptUnlessOverwriting() throws Exception {
        Path out = Files.writeString(tmp.resolve("taken.mp4"), "precious");
        SourceInfo info = new SourceInfo("synthetic", 64, 48, 25, 3, null);
        InputException e = assertThrows(InputException.class, () -> new VideoFileSink(out, info, false).close());
        assertTrue(e.getMessage().contains("taken.mp4") && e.getMessage().contains("exists"), e.getMessage());
        assertEquals("precious", Files.readString(out));

        try (VideoFileSink sink = new VideoFileSink(out, info, true)) {
            sink.write(frame(64, 48, 0));
            assertEquals("precious", Files.readString(out), "untouched until commit");
            sink.commit();
        }
        assertEquals(1, TestMedia.probe(out).frames());
    }

    @Test
    void aFrameOfAnotherSizeIsRefused() throws Exception {
        SourceInfo info = new SourceInfo("synthetic", 64, 48, 25, 3, null);
        try (VideoFileSink sink = new VideoFileSink(tmp.resolve("x.mp4"), info, false)) {
            assertThrows(java.io.IOException.class, () -> sink.write(frame(32, 48, 0)));
        }
        assertEquals(List.of(), list(tmp));
    }

    private static void writeGradient(Path out, int w, int h, int frames, boolean abandon) throws Exception {
        SourceInfo info = new SourceInfo("synthetic", w, h, 25, frames, null);
        try (VideoFileSink sink = new VideoFileSink(out, info, false)) {
            for (int t = 0; t < frames; t++) sink.write(frame(w, h, t));
            if (!abandon) sink.commit();
        }
    }

    private static VideoFrame frame(int w, int h, int t) {
        VideoFrame f = TestMedia.gradient(w, h, t);
        f.setIndex(t);
        f.setTimestampMicros(t * 40_000L);
        return f;
    }

    private static long audioSamples(Path file) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
            g.start();
            long n = 0;
            Frame f;
            while ((f = g.grabSamples()) != null) n += f.samples[0].limit() / f.audioChannels;
            return n;
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
