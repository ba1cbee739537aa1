package io.derain.pipeline.source;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;

/**
 * How many video frames a container promises, and how far short of that a decode may fall before it
 * counts as truncated. Containers with a sample index (mp4, mov, avi) give an exact count; others (mkv,
 * ts) only a duration, from which the count is estimated with a wider margin.
 *
 * @param count    frames expected, or -1 if the container says nothing
 * @param exact    whether {@code count} comes from an index rather than a duration
 */
record ExpectedFrames(long count, boolean exact) {

    static final ExpectedFrames UNKNOWN = new ExpectedFrames(-1, false);

    /** Reads the promise of the first video stream (the one FFmpegFrameGrabber decodes). */
    static ExpectedFrames of(AVFormatContext format, double frameRate) {
        if (format == null || format.isNull()) return UNKNOWN;
        AVStream video = firstVideoStream(format);
        if (video == null) return UNKNOWN;
        if (video.nb_frames() > 0) {
            // An edit list (a clip cut without re-encoding) hides the samples before its start: the stream's
            // duration, which follows the edit list, says how many of the indexed frames are shown.
            double shown = seconds(video) * frameRate;
            long count = shown > 0 ? Math.min(video.nb_frames(), Math.round(shown)) : video.nb_frames();
            return new ExpectedFrames(count, true);
        }
        if (frameRate <= 0) return UNKNOWN;
        if (seconds(video) > 0) return new ExpectedFrames(Math.round(seconds(video) * frameRate), false);
        double tagged = durationTag(video);
        if (tagged > 0) return new ExpectedFrames(Math.round(tagged * frameRate), false);
        // The file's duration is the longest stream's: the video's own extent only when it is alone.
        if (format.nb_streams() == 1 && format.duration() != AV_NOPTS_VALUE && format.duration() > 0) {
            double seconds = format.duration() / (double) AV_TIME_BASE;
            return new ExpectedFrames(Math.round(seconds * frameRate), false);
        }
        return UNKNOWN;
    }

    /**
     * Whether {@code decoded} frames fall clearly short of the promise. Exact counts allow for frames an
     * edit list hides; estimates allow for rounding.
     */
    boolean shortBy(long decoded) {
        if (count < 0) return false;
        // Estimates come from the video's own extent (not the file's, which an audio track may outlast).
        long slack = exact ? Math.max(2, count / 100) : Math.max(3, count / 50);
        return decoded < count - slack;
    }

    private static double seconds(AVStream video) {
        if (video.duration() == AV_NOPTS_VALUE || video.duration() <= 0 || video.time_base().den() == 0) return -1;
        return video.duration() * (double) video.time_base().num() / video.time_base().den();
    }

    /** Matroska keeps each stream's extent in a {@code DURATION} tag ("00:00:01.000000000"); seconds, or -1. */
    private static double durationTag(AVStream video) {
        AVDictionaryEntry e = av_dict_get(video.metadata(), "DURATION", null, 0);
        if (e == null || e.value() == null) return -1;
        String[] hms = e.value().getString().trim().split(":");
        if (hms.length != 3) return -1;
        try {
            return Integer.parseInt(hms[0]) * 3600.0 + Integer.parseInt(hms[1]) * 60.0 + Double.parseDouble(hms[2]);
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    private static AVStream firstVideoStream(AVFormatContext format) {
        for (int i = 0; i < format.nb_streams(); i++) {
            AVStream st = format.streams(i);
            if (st.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO && st.codecpar().codec_id() != AV_CODEC_ID_NONE) {
                return st;
            }
        }
        return null;
    }
}
