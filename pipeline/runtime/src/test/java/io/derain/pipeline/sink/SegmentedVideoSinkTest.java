package io.derain.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.FrameMetadata;
import io.derain.operators.frame.SourcePosition;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.TestMedia;
import io.derain.pipeline.source.TestMedia.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SegmentedVideoSinkTest {
    private static final int W = 64;
    private static final int H = 48;
    private static final long FRAME_MICROS = 40_000; // 25 fps
    private static final SourceInfo CAMERA = new SourceInfo("cam1", W, H, 25, -1, null, true);
    /** 2024-03-05 10:20:30 local time: names are checked against the local zone, as the sink writes them. */
    private static final long CAPTURE_START =
            LocalDateTime.of(2024, 3, 5, 10, 20, 30).atZone(ZoneId.systemDefault()).toEpochSecond() * 1_000_000L;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @TempDir Path tmp;

    record Offset(long n) implements SourcePosition {
        @Override public String describe() { return "test@" + n; }
    }

    @Test
    @Timeout(120)
    void sevenSecondsInTwoSecondSegmentsGiveFourPlayableFilesNamedByCaptureTime() throws Exception {
        Path pattern = tmp.resolve("cam1-%Y%m%d-%H%M%S.mp4");
        int frames = 175; // 7 s at 25 fps
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(pattern, Duration.ofSeconds(2), CAMERA, false)) {
            for (int i = 0; i < frames; i++) {
                VideoFrame f = frame(i, i * FRAME_MICROS, CAPTURE_START + i * FRAME_MICROS);
                sink.write(f);
                assertEquals(i * FRAME_MICROS, f.timestampMicros(), "the shared frame's timestamp is restored");
            }
            assertEquals(3, sink.segmentsClosed());
            sink.commit();
            assertEquals(4, sink.segmentsClosed());
            assertEquals(new SinkCheckpoint(frames, new Offset(frames - 1)), sink.checkpoint());
            assertEquals(frames, sink.framesWritten());

            List<Path> expected = new ArrayList<>();
            for (int s = 0; s < 4; s++) expected.add(tmp.resolve("cam1-" + localStamp(CAPTURE_START, s * 2) + ".mp4"));
            assertEquals(expected, sink.closedSegments());
        }
        List<Path> files = list(tmp);
        assertEquals(4, files.size(), "the four segments and nothing else (no partial files): " + files);
        int total = 0;
        int[] perSegment = {50, 50, 50, 25};
        for (int s = 0; s < 4; s++) {
            Probe probe = TestMedia.probe(files.get(s));
            assertEquals(perSegment[s], probe.frames(), files.get(s).toString());
            assertEquals(W, probe.width());
            assertEquals("h264", probe.videoCodec());
            assertTrue(probe.timestamps().get(0) < FRAME_MICROS,
                    files.get(s) + " starts at " + probe.timestamps().get(0) + " µs, not 0");
            total += probe.frames();
        }
        assertEquals(frames, total);
    }

    @Test
    @Timeout(60)
    void checkpointCountsClosedSegmentsAndCloseWithoutCommitDropsOnlyTheOpenOne() throws Exception {
        Path pattern = tmp.resolve("cam1-%H%M%S.mkv");
        Path open;
        List<Path> closed;
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(pattern, Duration.ofSeconds(2), CAMERA, false)) {
            assertEquals(SinkCheckpoint.NONE, sink.checkpoint());
            for (int i = 0; i < 50; i++) sink.write(frame(i, i * FRAME_MICROS, CAPTURE_START + i * FRAME_MICROS));
            assertEquals(SinkCheckpoint.NONE, sink.checkpoint(), "nothing durable while the first segment is open");
            for (int i = 50; i < 125; i++) {
                sink.write(frame(i, i * FRAME_MICROS, CAPTURE_START + i * FRAME_MICROS));
                if (i == 50) assertEquals(new SinkCheckpoint(50, new Offset(49)), sink.checkpoint());
            }
            assertEquals(new SinkCheckpoint(100, new Offset(99)), sink.checkpoint());
            open = sink.openSegment();
            assertNotNull(open);
            assertEquals(tmp.resolve("cam1-" + localStamp(CAPTURE_START, 4).substring(9) + ".mkv"), open);
            closed = List.copyOf(sink.closedSegments());
            assertEquals(2, closed.size());
            assertFalse(Files.exists(open), "the open segment is not under its final name yet");
        } // closed without commit: a failed or stopped job
        assertEquals(closed, list(tmp), "the closed segments stay, the open one is gone, partial file included");
        for (Path p : closed) assertEquals(50, TestMedia.probe(p).frames(), p.toString());
    }

    @Test
    @Timeout(60)
    void aPatternWithoutConversionsIsNumberedAndTakenNamesGetASuffix() throws Exception {
        Path taken = Files.writeString(tmp.resolve("cam-00001.mp4"), "precious");
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(tmp.resolve("cam.mp4"), Duration.ofSeconds(1),
                CAMERA, false)) {
            for (int i = 0; i < 75; i++) sink.write(frame(i, i * FRAME_MICROS, FrameMetadata.UNKNOWN_TIME));
            sink.commit();
            assertEquals(List.of(tmp.resolve("cam-00000.mp4"), tmp.resolve("cam-00001-1.mp4"),
                    tmp.resolve("cam-00002.mp4")), sink.closedSegments());
        }
        assertEquals("precious", Files.readString(taken), "an existing file is not overwritten");
        for (String name : List.of("cam-00000.mp4", "cam-00001-1.mp4", "cam-00002.mp4")) {
            assertEquals(25, TestMedia.probe(tmp.resolve(name)).frames(), name);
        }
    }

    @Test
    @Timeout(60)
    void segmentsStartingInOneSecondGetSuffixesAndAZoneCanBeChosen() throws Exception {
        long second = Instant.parse("2024-06-01T12:00:00Z").getEpochSecond() * 1_000_000L;
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(tmp.resolve("c-%Y-%m-%d_%H.%M.%S-100%%.mov"),
                Duration.ofMillis(500), CAMERA, false, ZoneOffset.UTC)) {
            for (int i = 0; i < 50; i++) sink.write(frame(i, i * FRAME_MICROS, second + i * FRAME_MICROS));
            sink.commit();
            assertEquals(List.of(tmp.resolve("c-2024-06-01_12.00.00-100%.mov"),
                            tmp.resolve("c-2024-06-01_12.00.00-100%-1.mov"),
                            tmp.resolve("c-2024-06-01_12.00.01-100%.mov"),
                            tmp.resolve("c-2024-06-01_12.00.01-100%-1.mov")),
                    sink.closedSegments());
        }
        assertEquals(4, list(tmp).size());
    }

    @Test
    @Timeout(60)
    void aGapStartsANewSegmentWithoutEmptyOnesAndUnknownCaptureTimeUsesTheClock() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        List<Path> segments;
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(tmp.resolve("gap-%Y%m%d-%H%M%S.mp4"),
                Duration.ofSeconds(2), CAMERA, false)) {
            for (int i = 0; i < 25; i++) sink.write(frame(i, i * FRAME_MICROS, FrameMetadata.UNKNOWN_TIME));
            // The camera is away for 4 s: the next frame (at 5 s) opens the second segment, which runs to 6 s.
            for (int i = 0; i < 30; i++) {
                sink.write(frame(25 + i, 5_000_000 + i * FRAME_MICROS, FrameMetadata.UNKNOWN_TIME));
            }
            sink.commit();
            segments = List.copyOf(sink.closedSegments());
        }
        long after = System.currentTimeMillis() / 1000;
        assertEquals(3, segments.size(), segments.toString());
        int[] frames = {25, 25, 5};
        for (int s = 0; s < 3; s++) {
            Probe probe = TestMedia.probe(segments.get(s));
            assertEquals(frames[s], probe.frames(), segments.get(s).toString());
            assertTrue(probe.timestamps().get(0) < FRAME_MICROS, segments.get(s) + ": " + probe.timestamps().get(0));
            String name = segments.get(s).getFileName().toString();
            String stamp = name.substring(4, 19);
            long t = LocalDateTime.parse(stamp, STAMP).atZone(ZoneId.systemDefault()).toEpochSecond();
            assertTrue(t >= before && t <= after, name + " is not named after the current time");
        }
    }

    @Test
    @Timeout(30)
    void badSettingsFailAtConstruction() throws Exception {
        assertBad(tmp.resolve("cam-%q.mp4"), "%q");
        assertBad(tmp.resolve("cam-%.mp4"), "lone %");
        assertBad(tmp.resolve("cam-%Y.avi"), ".avi");
        assertBad(tmp.resolve("cam-%Y"), "unsupported segment type");
        assertBad(tmp.resolve("cam-%Y.%S"), "unsupported segment type");
        assertBad(tmp.resolve("missing/cam-%H%M%S.mp4"), "does not exist");
        InputException e = assertBad(tmp.resolve("%Y/cam-%H%M%S.mp4"), "does not exist");
        assertTrue(e.getMessage().contains("file name only"), e.getMessage());

        Path ok = tmp.resolve("cam-%H%M%S.mp4");
        e = assertThrows(InputException.class, () -> SegmentedVideoSink.open(ok, Duration.ZERO, CAMERA, false));
        assertTrue(e.getMessage().startsWith(ok.toString()) && e.getMessage().contains("positive"), e.getMessage());
        SourceInfo stills = new SourceInfo("stills", W, H, 0, 3, null);
        e = assertThrows(InputException.class, () -> SegmentedVideoSink.open(ok, Duration.ofSeconds(1), stills, false));
        assertTrue(e.getMessage().contains("frame rate"), e.getMessage());
        assertEquals(List.of(), list(tmp), "nothing created");
    }

    private InputException assertBad(Path pattern, String problem) {
        InputException e = assertThrows(InputException.class,
                () -> SegmentedVideoSink.open(pattern, Duration.ofSeconds(60), CAMERA, false));
        assertTrue(e.getMessage().startsWith(pattern.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static VideoFrame frame(int i, long timestamp, long capture) {
        VideoFrame f = TestMedia.gradient(W, H, i);
        f.setIndex(i);
        f.setTimestampMicros(timestamp);
        f.metadata().setCaptureTimeMicros(capture);
        f.metadata().setPosition(new Offset(i));
        return f;
    }

    private static String localStamp(long captureMicros, int plusSeconds) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(captureMicros / 1_000_000L + plusSeconds),
                ZoneId.systemDefault()).format(STAMP);
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
