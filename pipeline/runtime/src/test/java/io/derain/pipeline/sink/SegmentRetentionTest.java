package io.derain.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.SettingsException;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.SourceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SegmentRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir Path dir;

    @Test
    void deletesTheOldestOfItsOwnSegmentsUntilTheSizeFitsAndNothingElse() throws Exception {
        List<Path> own = new ArrayList<>();
        for (int i = 0; i < 5; i++) own.add(file("cam1-20261207-11" + (10 + i) + "00.mp4", 100, 60 - i * 10));
        Path collision = file("cam1-20261207-111400-1.mp4", 100, 5); // a second segment in one second: newest
        Path otherCamera = file("cam10-20261207-110000.mp4", 100, 120);
        Path lookalike = file("cam1-2026120-110000.mp4", 100, 120);
        Path notes = file("notes.txt", 100, 120);
        Path open = file(".cam1-20261207-111500.mp4.partial-1234", 100, 1);

        SegmentRetention retention = retention("cam1-%Y%m%d-%H%M%S.mp4", Retention.builder().maxBytes(250).build());
        assertEquals(4, retention.apply());

        assertEquals(List.of(own.get(4), collision), existing(own, collision));
        for (Path p : List.of(otherCamera, lookalike, notes, open)) assertTrue(Files.exists(p), p + " is not this camera's segment");
        assertEquals(4, retention.segmentsDeleted());
        assertEquals(400, retention.bytesDeleted());
        assertEquals(0, retention.apply(), "within its limits now");
    }

    @Test
    void deletesSegmentsOlderThanTheMaximumAge() throws Exception {
        Path old = file("cam1-00000.mp4", 10, 3 * 24 * 60);
        Path older = file("cam1-00001.mp4", 10, 2 * 24 * 60 + 1);
        Path recent = file("cam1-00002.mp4", 10, 24 * 60);
        Path newest = file("cam1-00003-2.mp4", 10, 1);
        SegmentRetention retention = retention("cam1.mp4", Retention.builder().maxAge(Duration.ofDays(2)).build());
        assertEquals(2, retention.apply());
        assertFalse(Files.exists(old) || Files.exists(older));
        assertTrue(Files.exists(recent) && Files.exists(newest));
    }

    @Test
    void theNewestSegmentIsKeptWhateverTheLimits() throws Exception {
        Path a = file("cam1-00000.mp4", 1000, 20);
        Path b = file("cam1-00001.mp4", 1000, 10);
        // A disk that never has enough free space: everything but the newest goes.
        SegmentRetention retention = retention("cam1.mp4", Retention.builder().minFreeBytes(Long.MAX_VALUE / 2).maxBytes(1).build());
        assertEquals(1, retention.apply());
        assertFalse(Files.exists(a));
        assertTrue(Files.exists(b));
        assertEquals(0, retention.apply());
    }

    @Test
    void keepingEverythingDeletesNothing() throws Exception {
        Path a = file("cam1-00000.mp4", 1000, 60 * 24 * 400);
        file("cam1-00001.mp4", 1000, 10);
        assertEquals(0, retention("cam1.mp4", Retention.NONE).apply());
        assertTrue(Files.exists(a));
    }

    @Test
    void limitsAreChecked() {
        assertThrows(SettingsException.class, () -> Retention.builder().maxAge(Duration.ZERO).build());
        assertThrows(SettingsException.class, () -> Retention.builder().maxBytes(-1).build());
        assertThrows(SettingsException.class, () -> io.derain.pipeline.job.JobSettings.builder("in.mp4", "out.mp4")
                .retention(Retention.builder().maxBytes(10).build()).build(), "retention without segments");
    }

    /** A real recording: after every segment closes, its closed segments stay within the limit plus one segment. */
    @Test
    @Timeout(120)
    void aRecordingStaysWithinItsSizePlusOneSegment() throws Exception {
        Path otherCamera = file("cam2-00000.mp4", 5000, 60);
        SourceInfo camera = new SourceInfo("cam1", 160, 120, 25, -1, null, true);
        long limit = 60_000;
        SegmentRetention retention = SegmentRetention.of(dir.resolve("cam1.mp4"), Retention.builder().maxBytes(limit).build(), e -> {});
        Random noise = new Random(7);
        long largest = 0;
        try (SegmentedVideoSink sink = SegmentedVideoSink.open(dir.resolve("cam1.mp4"), Duration.ofMillis(400), camera, false)
                .retain(retention)) {
            VideoFrame frame = new VideoFrame(160, 120);
            int closed = 0;
            for (int i = 0; i < 250; i++) {
                for (int p = 0; p < frame.pixels().limit(); p++) frame.pixels().put(p, (byte) noise.nextInt(256));
                frame.setIndex(i);
                frame.setTimestampMicros(i * 40_000L);
                sink.write(frame);
                if (sink.segmentsClosed() > closed) {
                    closed = sink.segmentsClosed();
                    Path last = sink.closedSegments().get(closed - 1);
                    largest = Math.max(largest, Files.size(last));
                    long total = ownSegments().stream().mapToLong(SegmentRetentionTest::size).sum();
                    assertTrue(total <= limit + largest, "after segment " + closed + ": " + total + " bytes, limit " + limit
                            + " plus one segment of at most " + largest);
                    assertTrue(Files.exists(last), "the newest closed segment is kept");
                }
            }
            sink.commit();
        }
        assertTrue(retention.segmentsDeleted() > 5, "it had to delete: " + retention.segmentsDeleted());
        assertTrue(largest < limit, "the test's segments are smaller than the limit: " + largest);
        assertTrue(Files.exists(otherCamera), "another camera's segment is never deleted");
    }

    private List<Path> ownSegments() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("cam1-\\d{5}(-\\d+)?\\.mp4")).toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private SegmentRetention retention(String pattern, Retention policy) {
        return new SegmentRetention(SegmentName.parse(dir.resolve(pattern)), policy, Clock.fixed(NOW, ZoneOffset.UTC),
                e -> { throw new AssertionError(e); });
    }

    private Path file(String name, int bytes, int minutesAgo) throws Exception {
        Path p = Files.write(dir.resolve(name), new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(NOW.minusSeconds(minutesAgo * 60L)));
        return p;
    }

    private static List<Path> existing(List<Path> own, Path collision) {
        List<Path> left = new ArrayList<>(own.stream().filter(Files::exists).toList());
        if (Files.exists(collision)) left.add(collision);
        return left;
    }
}
