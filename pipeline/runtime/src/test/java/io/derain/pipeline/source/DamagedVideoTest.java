package io.derain.pipeline.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged video is never read as if it were whole: files cut at many points in every container fail (by the
 * container's promise or by FFmpeg's decode errors), and the project's real clips read clean.
 */
class DamagedVideoTest {
    private static final int FRAMES = 25;

    @TempDir
    Path dir;

    @Test
    void realClipsReadClean() throws Exception {
        List<Path> clips = new ArrayList<>(List.of(TestMedia.sampleClip(),
                TestMedia.shared().resolve("data/real-rain/windshield-video/highway-rain-first16s.mp4")));
        try (Stream<Path> dashcam = Files.list(TestMedia.shared().resolve("data/dashcam"))) {
            dashcam.sorted().forEach(clips::add);
        }
        // Four of the dashcam clips index 3-7 % more frames than they show (cut without re-encoding: an edit
        // list hides the frames before the cut); they are whole, and read as such.
        for (Path clip : clips) assertTrue(decode(clip) > 0, clip.toString());
    }

    @Test
    void cutFilesFailInEveryContainer() throws Exception {
        List<String> accepted = new ArrayList<>();
        int cases = 0;
        for (String format : new String[] {"mpegts", "avi", "matroska", "mp4", "mov"}) {
            Path whole = record(format);
            assertEquals(FRAMES, decode(whole), format + " whole");
            byte[] bytes = Files.readAllBytes(whole);
            for (int percent : new int[] {10, 25, 50, 75, 90, 95, 99}) {
                Path cut = Files.write(dir.resolve("cut" + percent + "-" + whole.getFileName()),
                        Arrays.copyOf(bytes, (int) (bytes.length * (long) percent / 100)));
                cases++;
                try {
                    long n = decode(cut);
                    accepted.add(format + " cut at " + percent + " %: " + n + " frames, no error");
                } catch (InputException e) {
                    assertTrue(e.getMessage().startsWith(cut.toString()) && !e.getMessage().contains("\n"), e.getMessage());
                }
            }
        }
        assertEquals(List.of(), accepted, "of " + cases + " cut files");
    }

    /** With keep-going, an MP4 cut short (its index at the front) gives what decodes, with the cut reported. */
    @Test
    void keepGoingReadsACutMp4AsFarAsItDecodes() throws Exception {
        byte[] bytes = Files.readAllBytes(TestMedia.sampleClip()); // index first (faststart)
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        InputException strict = org.junit.jupiter.api.Assertions.assertThrows(InputException.class, () -> decode(cut));
        assertTrue(strict.getMessage().contains("truncated: its 'mdat' box needs"), strict.getMessage());
        try (VideoFileSource source = VideoFileSource.open(cut, true)) {
            long frames = 0;
            io.derain.pipeline.media.MediaItem item;
            while ((item = source.next()) != null) {
                if (item instanceof io.derain.pipeline.media.VideoItem v) {
                    source.recycle(v.frame());
                    frames++;
                }
            }
            assertTrue(frames > 30 && frames < 60, "about half of 100 frames: " + frames);
            assertEquals(List.of(cut + ": truncated after " + frames + " of 100 frames"), source.damage());
        }
    }

    /** A file whose index points past its end decodes nothing: bad input even with keep-going, not a 0-frame result. */
    @Test
    void nothingDecodableIsBadInputEvenWithKeepGoing() throws Exception {
        byte[] bytes = Files.readAllBytes(TestMedia.sampleClip());
        int stco = indexOf(bytes, "stco".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        bytes[stco + 12] = 0; bytes[stco + 13] = 0x10; bytes[stco + 14] = 0; bytes[stco + 15] = 0; // first chunk at 1 MiB
        Path broken = Files.write(dir.resolve("broken-index.mp4"), bytes);
        try (VideoFileSource source = VideoFileSource.open(broken, true)) {
            InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class, () -> {
                while (source.next() != null) { /* drain */ }
            });
            assertTrue(e.getMessage().startsWith(broken + ": no frame decodes"), e.getMessage());
        }
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (bytes[i + j] != pattern[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    /** 25 frames of 320×240 H.264 (enough TS packets per frame that a cut lands inside one). */
    private Path record(String format) throws Exception {
        String ext = switch (format) { case "mpegts" -> "ts"; case "matroska" -> "mkv"; default -> format; };
        return TestMedia.noiseClip(dir.resolve("whole." + ext), format, 320, 240, FRAMES, 7);
    }

    private static long decode(Path file) throws Exception {
        return TestMedia.decodedFrames(file);
    }
}
