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
        List<Path> clips = new ArrayList<>(List.of(Path.of("../samples/media/rainy-road.mp4"),
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

    /** 25 frames of 320×240 H.264 (enough TS packets per frame that a cut lands inside one). */
    private Path record(String format) throws Exception {
        String ext = switch (format) { case "mpegts" -> "ts"; case "matroska" -> "mkv"; default -> format; };
        return TestMedia.noiseClip(dir.resolve("whole." + ext), format, 320, 240, FRAMES, 7);
    }

    private static long decode(Path file) throws Exception {
        return TestMedia.decodedFrames(file);
    }
}
