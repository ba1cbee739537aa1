package io.derain.pipeline.source;

import io.derain.pipeline.InputException;

/**
 * A stretch of a video chosen by time: from {@code fromSeconds} for {@code seconds} (or to the end), or
 * the final {@code seconds} of the video. Resolved to whole frames on the source's frame grid, which is
 * exact for constant-rate video (what cameras and our own encoder write).
 */
public record TimeWindow(double fromSeconds, double seconds, boolean fromEnd) {
    /** Everything. */
    public static final TimeWindow ALL = new TimeWindow(0, Double.POSITIVE_INFINITY, false);

    public TimeWindow {
        if (!(fromSeconds >= 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("a time window needs a start >= 0 and a positive length");
        }
    }

    /** From {@code fromSeconds} to the end, or for {@code seconds} if that is finite. */
    public static TimeWindow from(double fromSeconds, double seconds) {
        return new TimeWindow(fromSeconds, seconds, false);
    }

    /** The final {@code seconds} of the video. */
    public static TimeWindow last(double seconds) {
        return new TimeWindow(0, seconds, true);
    }

    public boolean isAll() { return equals(ALL); }

    /** First and end (exclusive) frame index for a source; fails when the window misses the video. */
    public Frames resolve(SourceInfo info) {
        if (isAll()) return new Frames(0, info.frameCount() < 0 ? Long.MAX_VALUE : info.frameCount());
        double fps = info.frameRate();
        if (!(fps > 0)) {
            throw new InputException(info.name() + ": still images have no time; a time window needs a video");
        }
        long count = info.frameCount();
        if (fromEnd) {
            if (count < 0) throw new InputException(info.name() + ": its length is unknown, so its last seconds cannot be taken");
            return new Frames(Math.max(0, count - frameCount(seconds, fps)), count);
        }
        long first = Math.round(fromSeconds * fps);
        if (count >= 0 && first >= count) {
            throw new InputException(String.format("%s: a start at %.3g s is past its end (%.3g s)",
                    info.name(), fromSeconds, count / fps));
        }
        long end = Double.isInfinite(seconds) ? Long.MAX_VALUE : first + frameCount(seconds, fps);
        return new Frames(first, count >= 0 ? Math.min(end, count) : end);
    }

    /** At least one frame: a window shorter than a frame still selects the frame it starts in. */
    private static long frameCount(double seconds, double fps) {
        return Math.max(1, Math.round(seconds * fps));
    }

    /** Frame indices {@code [first, end)} of the source. */
    public record Frames(long first, long end) {
        public long count() { return end - first; }
        public boolean contains(long index) { return index >= first && index < end; }
    }
}
