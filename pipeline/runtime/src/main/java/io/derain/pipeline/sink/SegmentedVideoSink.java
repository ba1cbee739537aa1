package io.derain.pipeline.sink;

import io.derain.operators.frame.FrameMetadata;
import io.derain.operators.frame.SourcePosition;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records a live camera as rolling segment files, e.g. {@code rec/cam1-%Y%m%d-%H%M%S.mp4} with 60 s
 * segments: each segment is a {@link VideoFileSink} of its own, playable on its own, named after the wall
 * clock (see {@link SegmentName}) at the capture time of its first frame.
 *
 * <p><b>Why segments.</b> An mp4 is unplayable until its index is written at the end, so one file for a
 * recording that runs for days would lose everything to a crash, a {@code kill -9} or a power cut. Here a
 * segment is finished (trailer written, encoder flushed) and renamed from its hidden
 * {@code .name.partial-*} file to its final name when it closes, then synced to disk. A crash loses at most
 * the open segment, and its {@code .partial} file is left behind (hidden, named as such, safe to delete);
 * nothing half-written ever appears under a final name. {@link #checkpoint()} reports the closed segments
 * as durable, so a source that commits (Kafka) can commit up to the last frame of the last closed segment.
 *
 * <p><b>Segment boundaries.</b> A new segment starts with the first frame whose timestamp (the job's
 * monotonic clock) reaches the next boundary. Boundaries lie on a grid of {@code segmentLength} from the
 * first frame, not one length after each segment's first frame: a camera's jitter then doesn't make
 * segments drift (60 segments an hour, not 59 and a bit). After a gap longer than a segment, the next frame
 * starts a segment and no empty segments are written. Each segment's timestamps start at 0: the frame's
 * timestamp is rewritten for the write and restored afterwards, since the frame is shared.
 *
 * <p><b>Names.</b> Time conversions use the local zone by default (what people looking for "the recording
 * from 14:05" expect, and what FFmpeg's own strftime names use); pass a zone to use another, e.g. UTC to keep
 * names sorted across a daylight-saving change. Without a capture time ({@link FrameMetadata#UNKNOWN_TIME})
 * the current time is used. A name already used by this recording, or taken by an existing file when not
 * overwriting, gets a {@code -1}, {@code -2} suffix instead: a live recording never fails on a name and never
 * overwrites what it was not allowed to.
 *
 * <p><b>Audio</b> goes to the open segment; audio before the first frame has no segment to go to and is
 * dropped. A segment starts on a video frame, so audio that arrives just before a boundary frame ends the
 * previous segment.
 *
 * <p>Everything that can be checked before the first frame is (pattern, extension, directory, frame rate,
 * size), so bad settings fail at construction with a one-line {@link InputException}. Per frame nothing is
 * allocated here; names and sinks are built once per segment. One thread, like every sink.
 */
public final class SegmentedVideoSink implements FrameSink {
    private final SegmentName names;
    private final long lengthMicros;
    private final SourceInfo info;
    private final boolean overwrite;
    private final ZoneId zone;

    private final List<Path> closed = new ArrayList<>();
    private final Set<Path> used = new HashSet<>();
    private VideoFileSink current;
    private Path currentPath;
    private long segmentOrigin;   // timestamp of the open segment's first frame: its time 0
    private long nextBoundary;    // the first timestamp that belongs to the next segment
    private long segmentFrames;   // frames in the open segment
    private long segmentNumber;   // of the next segment to open
    private SourcePosition lastPosition;
    private long framesWritten;
    private long closedFrames;
    private SinkCheckpoint checkpoint = SinkCheckpoint.NONE;
    private boolean finished;
    private SegmentRetention retention;

    /**
     * @param pattern       where segments go, with {@code %Y %m %d %H %M %S} conversions (see {@link SegmentName})
     * @param segmentLength how much of the job's clock one segment covers
     * @param info          the source, for the encoder's size and frame rate
     * @param overwrite     whether an existing file of a segment's name may be replaced
     * @throws InputException for a bad pattern, a missing directory or settings no segment can be encoded with
     */
    public static SegmentedVideoSink open(Path pattern, Duration segmentLength, SourceInfo info, boolean overwrite) {
        return open(pattern, segmentLength, info, overwrite, ZoneId.systemDefault());
    }

    /** As {@link #open(Path, Duration, SourceInfo, boolean)}, with names in {@code zone}'s wall-clock time. */
    public static SegmentedVideoSink open(Path pattern, Duration segmentLength, SourceInfo info, boolean overwrite,
                                          ZoneId zone) {
        SegmentName names = SegmentName.parse(pattern);
        checkDirectory(pattern);
        long micros;
        try {
            micros = segmentLength.toNanos() / 1000;
        } catch (ArithmeticException e) {
            throw new InputException(pattern + ": segment length " + segmentLength + " is too long");
        }
        if (micros <= 0) {
            throw new InputException(pattern + ": segment length must be positive, not " + segmentLength);
        }
        // What VideoFileSink would refuse when the first segment opens: refuse it now, before any frame.
        if (!(info.frameRate() > 0)) {
            throw new InputException(pattern + ": the input " + info.name() + " has no frame rate to encode at");
        }
        if (info.width() < 2 || info.height() < 2) {
            throw new InputException(pattern + ": frames of " + info.width() + "x" + info.height()
                    + " are too small for H.264");
        }
        return new SegmentedVideoSink(names, micros, info, overwrite, zone);
    }

    private SegmentedVideoSink(SegmentName names, long lengthMicros, SourceInfo info, boolean overwrite, ZoneId zone) {
        this.names = names;
        this.lengthMicros = lengthMicros;
        this.info = info;
        this.overwrite = overwrite;
        this.zone = zone;
    }

    /**
     * Applies {@code policy} after each segment closes (see {@link SegmentRetention}); before the first frame.
     *
     * @return this sink
     */
    public SegmentedVideoSink retain(SegmentRetention policy) {
        if (framesWritten > 0) throw new IllegalStateException("retention is set before the first frame");
        retention = policy;
        return this;
    }

    private static void checkDirectory(Path pattern) {
        Path parent = pattern.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            String hint = parent != null && parent.toString().indexOf('%') >= 0
                    ? " (conversions are expanded in the file name only)" : "";
            throw new InputException(pattern + ": output directory " + parent + " does not exist" + hint);
        }
        if (!Files.isWritable(parent)) {
            throw new InputException(pattern + ": output directory " + parent + " is not writable");
        }
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        if (finished) throw new IllegalStateException(names.pattern() + ": segmented recording already ended");
        long timestamp = frame.timestampMicros();
        if (current == null || timestamp >= nextBoundary) startSegment(frame);
        // Backwards timestamps (not expected from a monotonic clock) stay in the open segment; the encoder
        // never moves its clock back.
        frame.setTimestampMicros(timestamp - segmentOrigin);
        try {
            current.write(frame);
        } finally {
            frame.setTimestampMicros(timestamp);
        }
        segmentFrames++;
        framesWritten++;
        lastPosition = frame.metadata().position();
    }

    @Override
    public void write(AudioItem audio) throws IOException {
        if (current != null) current.write(audio);
    }

    private void startSegment(VideoFrame first) throws IOException {
        long timestamp = first.timestampMicros();
        if (current != null) {
            closeSegment();
            // The smallest grid point after the frame: skips the boundaries of a gap without empty segments.
            long behind = timestamp - nextBoundary;
            nextBoundary += (behind / lengthMicros + 1) * lengthMicros;
        } else {
            nextBoundary = timestamp + lengthMicros;
        }
        long capture = first.metadata().captureTimeMicros();
        long epochSecond = capture != FrameMetadata.UNKNOWN_TIME
                ? Math.floorDiv(capture, 1_000_000L)
                : Math.floorDiv(System.currentTimeMillis(), 1000L);
        Path path = freeName(epochSecond);
        current = new VideoFileSink(path, info, overwrite);
        currentPath = path;
        used.add(path);
        segmentNumber++;
        segmentOrigin = timestamp;
        segmentFrames = 0;
    }

    private Path freeName(long epochSecond) {
        for (int suffix = 0; ; suffix++) {
            Path path = names.name(epochSecond, zone, segmentNumber, suffix);
            if (used.contains(path)) continue;
            if (Files.exists(path) && (!overwrite || Files.isDirectory(path))) continue;
            return path;
        }
    }

    /** Finishes the open segment, moves it to its final name and syncs it: from here on it is durable. */
    private void closeSegment() throws IOException {
        VideoFileSink segment = current;
        Path path = currentPath;
        current = null;
        currentPath = null;
        try {
            segment.commit();
        } finally {
            segment.close(); // after a failed commit: discards the partial file
        }
        sync(path);
        closed.add(path);
        closedFrames += segmentFrames;
        checkpoint = new SinkCheckpoint(closedFrames, lastPosition);
        segmentFrames = 0;
        if (retention != null) retention.apply();
    }

    /**
     * The rename already survives a crash of this process; syncing the file and its directory makes the
     * segment survive a power cut too, before a checkpoint lets a source forget its frames. Once a segment,
     * most of which the kernel has written back by then.
     */
    private static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform lets a directory be opened or synced; the file itself is
        }
    }

    /** Frames in closed segments, and the source position of the last of them: what a crash cannot lose. */
    @Override
    public SinkCheckpoint checkpoint() {
        return checkpoint;
    }

    /** Closes the open segment, if any: after it returns, every frame written is in a closed segment. */
    @Override
    public void commit() throws IOException {
        finished = true;
        if (current != null) closeSegment();
    }

    /** Discards the open segment (its partial file); closed segments stay. */
    @Override
    public void close() {
        finished = true;
        if (current != null) {
            current.close();
            current = null;
            currentPath = null;
        }
    }

    /** Segments closed so far. */
    public int segmentsClosed() { return closed.size(); }

    /** The closed segments' paths, oldest first (a read-only view). */
    public List<Path> closedSegments() { return Collections.unmodifiableList(closed); }

    /** The final name of the open segment (it exists only once closed), or null when none is open. */
    public Path openSegment() { return currentPath; }

    /** Frames written, in closed segments and the open one. */
    public long framesWritten() { return framesWritten; }
}
