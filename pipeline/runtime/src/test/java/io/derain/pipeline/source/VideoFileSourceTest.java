package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.VideoFileSink;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFileSourceTest {
    @TempDir Path tmp;

    @Test
    void decodesEveryFrameWithTimestampsIndexesAndAudio() throws Exception {
        try (VideoFileSource source = VideoFileSource.open(TestMedia.shortClip())) {
            SourceInfo info = source.info();
            assertEquals(1280, info.width());
            assertEquals(720, info.height());
            assertEquals(25.0, info.frameRate(), 1e-9);
            assertEquals(38, info.frameCount());
            assertTrue(info.hasAudio());
            assertEquals(48000, info.audio().sampleRate());
            assertEquals(2, info.audio().channels());

            List<Long> timestamps = new ArrayList<>();
            int audio = 0;
            VideoFrame first = null;
            MediaItem item;
            while ((item = source.next()) != null) {
                if (item instanceof VideoItem v) {
                    VideoFrame f = v.frame();
                    assertEquals(timestamps.size(), f.index());
                    assertEquals(1280 * 3, f.stride());
                    timestamps.add(f.timestampMicros());
                    if (first == null) first = f;
                    else assertSame(first, f, "a recycled frame is reused: no allocation per frame");
                    source.recycle(f);
                } else if (item instanceof AudioItem a) {
                    assertEquals(48000, a.samples().sampleRate);
                    assertTrue(a.samples().samples[0].limit() > 0);
                    audio++;
                }
            }
            assertEquals(38, timestamps.size());
            for (int i = 0; i < timestamps.size(); i++) assertEquals(i * 40_000L, timestamps.get(i));
            assertTrue(audio > 50, "audio frames: " + audio);
            assertNull(source.next(), "stays at the end");
        }
    }

    @Test
    void audioIsADeepCopyThatOutlivesTheNextGrab() throws Exception {
        try (VideoFileSource source = VideoFileSource.open(TestMedia.shortClip())) {
            List<AudioItem> audio = new ArrayList<>();
            MediaItem item;
            while ((item = source.next()) != null && audio.size() < 3) {
                if (item instanceof AudioItem a) audio.add(a);
            }
            assertEquals(3, audio.size());
            assertTrue(audio.get(0).samples() != audio.get(1).samples());
            assertTrue(audio.get(0).samples().samples[0] != audio.get(1).samples().samples[0]);
        }
    }

    @Test
    void framesNotRecycledAreFreshUntilGivenBack() throws Exception {
        try (VideoFileSource source = VideoFileSource.open(TestMedia.shortClip())) {
            VideoFrame a = nextVideo(source);
            VideoFrame b = nextVideo(source);
            assertTrue(a != b, "an unreturned frame is never overwritten");
            assertEquals(0, a.index());
            assertEquals(1, b.index());
            source.recycle(a);
            assertSame(a, nextVideo(source));
        }
    }

    @Test
    void missingFile() {
        assertInput(tmp.resolve("nope.mp4"), "nope.mp4", "no such file");
    }

    @Test
    void directoryWhereAFileIsExpected() {
        assertInput(tmp, tmp.getFileName().toString(), "directory");
    }

    @Test
    void textFileNamedMp4() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n");
        assertInput(text, "notes.mp4", "not a video");
    }

    @Test
    void mp4CutToHalfItsBytes() throws Exception {
        byte[] bytes = Files.readAllBytes(TestMedia.shortClip());
        Path half = Files.write(tmp.resolve("half.mp4"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertInput(half, "half.mp4", "truncated");
    }

    @Test
    void mkvCutShortIsReportedWhenTheFramesRunOut() throws Exception {
        Path mkv = tmp.resolve("whole.mkv");
        SourceInfo info = new SourceInfo("synthetic", 320, 240, 25, 50, null);
        try (VideoFileSink sink = new VideoFileSink(mkv, info, false)) {
            for (int t = 0; t < 50; t++) {
                VideoFrame f = TestMedia.gradient(320, 240, t);
                f.setTimestampMicros(t * 40_000L);
                sink.write(f);
            }
            sink.commit();
        }
        byte[] bytes = Files.readAllBytes(mkv);
        Path cut = Files.write(tmp.resolve("cut.mkv"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        try (VideoFileSource source = VideoFileSource.open(cut)) {
            assertEquals(50, source.info().frameCount(), "estimated from the container's duration");
            InputException e = assertThrows(InputException.class, () -> {
                MediaItem item;
                while ((item = source.next()) != null) {
                    if (item instanceof VideoItem v) source.recycle(v.frame());
                }
            });
            assertTrue(e.getMessage().contains("cut.mkv") && e.getMessage().contains("truncated after"), e.getMessage());
            assertTrue(source.framesDecoded() < 40, "decoded " + source.framesDecoded());
            assertOneLine(e);
        }
        try (VideoFileSource whole = VideoFileSource.open(mkv)) {
            int n = 0;
            MediaItem item;
            while ((item = whole.next()) != null) n += item instanceof VideoItem ? 1 : 0;
            assertEquals(50, n, "the complete file is not flagged");
        }
    }

    /**
     * Two readers, one damaged: FFmpeg's error lines count for the reader whose decode logged them, so the clean
     * file read after the damaged one (both open at once, as two cameras in one serve) is not flagged.
     */
    @Test
    void oneReadersDecodeErrorsAreNotAnothers() throws Exception {
        Path whole = TestMedia.noiseClip(tmp.resolve("whole.ts"), "mpegts", 160, 120, 40, 3);
        byte[] bytes = Files.readAllBytes(whole);
        java.util.Random r = new java.util.Random(5);
        for (int i = bytes.length * 4 / 10; i < bytes.length * 4 / 10 + 1500; i++) {
            if (i % 188 > 4 && r.nextInt(16) == 0) bytes[i] ^= (byte) (1 + r.nextInt(255)); // payload only: packets stay framed
        }
        Path damaged = Files.write(tmp.resolve("damaged.ts"), bytes);
        try (VideoFileSource clean = VideoFileSource.open(whole); VideoFileSource bad = VideoFileSource.open(damaged)) {
            InputException e = assertThrows(InputException.class, () -> drain(bad));
            assertTrue(e.getMessage().contains("damaged.ts") && e.getMessage().contains("damaged: FFmpeg reported"), e.getMessage());
            assertEquals(40, drain(clean), "the clean file decodes whole and unflagged");
        }
    }

    private static int drain(VideoFileSource source) throws Exception {
        int n = 0;
        MediaItem item;
        while ((item = source.next()) != null) {
            if (item instanceof VideoItem v) {
                n++;
                source.recycle(v.frame());
            }
        }
        return n;
    }

    @Test
    void audioOnlyFileHasNoVideoStream() throws Exception {
        Path m4a = tmp.resolve("voice.m4a");
        try (var recorder = new org.bytedeco.javacv.FFmpegFrameRecorder(m4a.toString(), 1)) {
            recorder.setFormat("mp4");
            recorder.setAudioCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(48000);
            recorder.start();
            recorder.recordSamples(48000, 1, java.nio.ShortBuffer.allocate(48000));
            recorder.stop();
        }
        assertInput(m4a, "voice.m4a", "no video stream");
    }

    @Test
    void rowsArePaddedOrNot() {
        // 2×2 BGR picture in rows padded to 8 bytes, as FFmpeg may hand them out.
        ByteBuffer src = ByteBuffer.allocate(16);
        for (int i = 0; i < 16; i++) src.put(i, (byte) i);
        ByteBuffer dst = ByteBuffer.allocate(12);
        PixelRows.copy(src, 8, dst, 6, 6, 2);
        byte[] expected = {0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13};
        for (int i = 0; i < 12; i++) assertEquals(expected[i], dst.get(i));
        assertEquals(0, src.position());
        assertEquals(0, dst.position());
    }

    private static VideoFrame nextVideo(FrameSource source) throws Exception {
        MediaItem item;
        while ((item = source.next()) != null) {
            if (item instanceof VideoItem v) return v.frame();
        }
        throw new AssertionError("no video frame");
    }

    static void assertInput(Path path, String name, String problem) {
        InputException e = assertThrows(InputException.class, () -> Sources.open(path).close());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertOneLine(e);
    }

    static void assertOneLine(InputException e) {
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
