package io.derain.pipeline.sink;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Applies a {@link Retention} to one segmented recording after each segment closes: deletes its oldest closed
 * segments until every limit holds.
 *
 * <p><b>Only its own files.</b> A segment is a file in the pattern's directory whose name the pattern produces
 * (e.g. {@code cam1-20261207-101500.mp4} or {@code cam1-20261207-101500-1.mp4} for {@code cam1-%Y%m%d-%H%M%S.mp4}):
 * another camera's segments, other files and the open segment (a hidden {@code .partial} file until it closes)
 * never match. Segments an earlier run of the same camera left count too, so a restarted camera still keeps its
 * quota. The newest closed segment is always kept, so the recording stays within {@code maxBytes} plus one
 * segment (and the open one).
 *
 * <p>A segment that cannot be deleted is counted and reported once per segment close; recording goes on. Runs
 * on the sink's thread, once per segment: one directory listing, nothing per frame. Counters are read by metrics
 * threads.
 */
public final class SegmentRetention {
    private final Retention policy;
    private final Path directory;
    private final Pattern names;
    private final Clock clock;
    private final Consumer<String> events;
    private volatile long segmentsDeleted;
    private volatile long bytesDeleted;
    private volatile long failures;

    SegmentRetention(SegmentName pattern, Retention policy, Clock clock, Consumer<String> events) {
        this.policy = policy;
        this.directory = pattern.pattern().toAbsolutePath().getParent();
        this.names = pattern.matcher();
        this.clock = clock;
        this.events = events;
    }

    /**
     * The retention of recordings named by {@code pattern}.
     *
     * @param events where a segment that could not be deleted is reported, one line
     * @throws io.derain.pipeline.InputException for a bad pattern
     */
    public static SegmentRetention of(Path pattern, Retention policy, Consumer<String> events) {
        return new SegmentRetention(SegmentName.parse(pattern), policy, Clock.systemUTC(), events);
    }

    public Retention policy() { return policy; }

    /** Closed segments deleted so far. */
    public long segmentsDeleted() { return segmentsDeleted; }

    /** Their bytes. */
    public long bytesDeleted() { return bytesDeleted; }

    /** Segments that could not be deleted. */
    public long failures() { return failures; }

    /** Deletes the oldest segments until every limit holds; returns how many it deleted. */
    public int apply() {
        if (policy.keepsAll()) return 0;
        List<Segment> segments = list();
        if (segments.size() < 2) return 0;
        segments.sort(Comparator.comparingLong(Segment::modifiedMillis).thenComparing(s -> s.path().getFileName().toString()));
        long total = 0;
        for (Segment s : segments) total += s.bytes();
        long oldestAllowed = policy.maxAge() == null ? Long.MIN_VALUE : clock.millis() - policy.maxAge().toMillis();
        int deleted = 0;
        String problem = null;
        // Never the newest: it was just closed and is what "plus one segment" leaves.
        for (Segment s : segments.subList(0, segments.size() - 1)) {
            boolean tooOld = s.modifiedMillis() < oldestAllowed;
            boolean tooBig = policy.maxBytes() > 0 && total > policy.maxBytes();
            boolean diskFull = policy.minFreeBytes() > 0 && freeBytes() < policy.minFreeBytes();
            if (!tooOld && !tooBig && !diskFull) break; // oldest first: the rest are newer and the totals hold
            try {
                Files.delete(s.path());
                total -= s.bytes();
                deleted++;
                segmentsDeleted++;
                bytesDeleted += s.bytes();
            } catch (NoSuchFileException gone) {
                total -= s.bytes(); // deleted by someone else meanwhile
            } catch (IOException e) {
                failures++;
                if (problem == null) problem = s.path() + ": cannot delete for retention: " + e;
            }
        }
        if (problem != null) events.accept(problem);
        return deleted;
    }

    private long freeBytes() {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: this limit deletes nothing
        }
    }

    private List<Segment> list() {
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (!names.matcher(file.getFileName().toString()).matches()) continue;
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    if (a.isRegularFile()) found.add(new Segment(file, a.size(), a.lastModifiedTime().toMillis()));
                } catch (IOException gone) {
                    // deleted meanwhile
                }
            }
        } catch (IOException e) {
            failures++;
            events.accept(directory + ": cannot list for retention: " + e);
        }
        return found;
    }

    private record Segment(Path path, long bytes, long modifiedMillis) {}
}
