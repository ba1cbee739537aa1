package io.derain.pipeline.source;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INP;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INT;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.FfmpegLog;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes a video file (anything FFmpeg reads: mp4, mkv, mov, avi, ...) into BGR24 {@link VideoFrame}s and
 * deep-copied audio, in stream order.
 *
 * <p>Bad input fails in {@link #open} with a one-line {@link InputException}. A file that ends before the
 * frame count its container promises fails in {@link #next()} ("truncated after N of M frames") instead
 * of ending quietly, so a cut-off input never yields a short output that looks complete. A decode during
 * which FFmpeg logged errors ({@link FfmpegLog}: corrupt packets, broken slices, a demuxer's "partial file")
 * fails at its end too ("damaged: ..."), since FFmpeg conceals such damage and the frame count alone cannot
 * tell (an MPEG-TS has no index; a cut file's own duration shrinks with it).
 */
public final class VideoFileSource implements FrameSource {
    /**
     * swscale flags for YUV↔BGR: exact rounding and full-resolution chroma. The sink uses the same for the
     * inverse; together they halve the round-trip error of FFmpeg's default (bilinear) conversion.
     */
    public static final int SCALING_FLAGS = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final SourceInfo info;
    private final ExpectedFrames expected;
    private final FramePool pool = new FramePool();
    private long videoFrames;
    private boolean ended;
    private final FfmpegLog.Errors errors;
    private final String containerCut; // what the container's own framing says is missing, or null
    private final boolean keepGoing;
    private final java.util.List<String> damage = new java.util.ArrayList<>();

    private VideoFileSource(Path path, FFmpegFrameGrabber grabber, SourceInfo info, ExpectedFrames expected, boolean keepGoing,
                            String isoCut, FfmpegLog.Errors errors) {
        this.path = path;
        this.keepGoing = keepGoing;
        this.errors = errors;
        this.containerCut = isoCut != null ? isoCut.replaceFirst("^truncated: ", "") : containerCut(path, grabber.getFormat());
        this.grabber = grabber;
        this.info = info;
        this.expected = expected;
    }

    /** Opens and probes {@code path}; throws {@link InputException} naming the file and the problem. */
    public static VideoFileSource open(Path path) {
        return open(path, false);
    }

    /**
     * As {@link #open(Path)}; with {@code keepGoing}, damage found at the end is reported by {@link #damage()},
     * and an MP4/MOV cut short is decoded as far as it goes (when its index survived) instead of refused.
     * Nothing decodable at all is bad input either way.
     */
    public static VideoFileSource open(Path path, boolean keepGoing) {
        MediaPaths.requireReadableFile(path);
        FfmpegLog.install();
        String isoCut = isoTruncation(path);
        if (isoCut != null && !keepGoing) throw new InputException(path + ": " + isoCut);
        // An absolute path keeps FFmpeg from reading "name:with:colons" as a protocol.
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toAbsolutePath().toString());
        // JavaCV also offers this to the demuxer, which logs "rejected some options: pixel_format": harmless.
        grabber.setPixelFormat(AV_PIX_FMT_BGR24);
        grabber.setImageScalingFlags(SCALING_FLAGS);
        // FFmpeg's decoder threads would log this file's errors where no reader can claim them (FfmpegLog);
        // decoding is a small share of a frame's time next to inference.
        grabber.setVideoOption("threads", "1");
        try {
            grabber.start(); // what probing logs is not counted: a stream cut mid-GOP logs errors and then decodes clean
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new InputException(path + ": " + (isoCut != null ? isoCut : openFailure(e)), e);
        }
        try {
            if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
                throw new InputException(path + ": no video stream"
                        + (grabber.hasAudio() ? " (audio only)" : ""));
            }
            double fps = grabber.getFrameRate();
            ExpectedFrames expected = ExpectedFrames.of(grabber.getFormatContext(), fps);
            SourceInfo.AudioFormat audio = grabber.hasAudio() && grabber.getAudioChannels() > 0
                    ? new SourceInfo.AudioFormat(grabber.getSampleRate(), grabber.getAudioChannels(),
                            grabber.getAudioBitrate())
                    : null;
            SourceInfo info = new SourceInfo(path.toString(), grabber.getImageWidth(), grabber.getImageHeight(),
                    fps, expected.count(), audio);
            return new VideoFileSource(path, grabber, info, expected, keepGoing, isoCut, new FfmpegLog.Errors());
        } catch (RuntimeException e) {
            closeQuietly(grabber);
            throw e;
        }
    }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        if (ended) return null;
        while (true) {
            Frame frame;
            try (FfmpegLog.Errors in = errors.enter()) {
                // No data streams (subtitles, timecode): they have no place in the output.
                frame = grabber.grabFrame(true, true, true, false, false);
            } catch (FrameGrabber.Exception e) {
                ended = true;
                String problem = "cannot decode after frame " + videoFrames + ": " + MediaPaths.oneLine(e);
                if (!keepGoing || videoFrames == 0) throw new InputException(path + ": " + problem, e);
                damage.add(path + ": " + problem);
                return null;
            }
            if (frame == null) {
                ended = true;
                String problem = endProblem();
                if (problem != null) {
                    // Not one frame is no partial result: nothing to keep going with.
                    if (!keepGoing || videoFrames == 0) throw new InputException(path + ": " + problem);
                    damage.add(path + ": " + problem);
                }
                return null;
            }
            if (frame.image != null) return video(frame);
            if (frame.samples != null) return new AudioItem(frame.clone()); // the grabber reuses its buffers
        }
    }

    /** Why the decode that just ended did not read the whole input, or null. */
    private String endProblem() {
        if (expected.shortBy(videoFrames) && videoFrames == 0) {
            return "no frame decodes, though its container lists " + (expected.exact() ? "" : "about ") + expected.count()
                    + (containerCut != null ? " (" + containerCut + ")" : " (its index is damaged or the file cut)");
        }
        if (expected.shortBy(videoFrames)) {
            return "truncated after " + videoFrames + " of " + (expected.exact() ? "" : "about ") + expected.count() + " frames";
        }
        if (containerCut != null) return "truncated: " + containerCut + "; " + videoFrames + " frames were readable";
        long count = errors.count();
        if (count > 0) {
            return "damaged: FFmpeg reported " + count + " decode error" + (count == 1 ? "" : "s") + " (last: "
                    + errors.last() + "); " + videoFrames + " frames were readable";
        }
        return null;
    }

    @Override
    public java.util.List<String> damage() { return java.util.List.copyOf(damage); }

    private VideoItem video(Frame decoded) {
        if (decoded.imageChannels != 3 || decoded.imageDepth != Frame.DEPTH_UBYTE) {
            throw new IllegalStateException("expected BGR24 from the grabber, got " + decoded.imageChannels
                    + " channels of depth " + decoded.imageDepth);
        }
        VideoItem item = pool.acquire(decoded.imageWidth, decoded.imageHeight);
        VideoFrame frame = item.frame();
        PixelRows.copy((ByteBuffer) decoded.image[0], decoded.imageStride, frame.pixels(), frame.stride(),
                frame.stride(), frame.height());
        frame.setTimestampMicros(decoded.timestamp);
        frame.setIndex(videoFrames++);
        frame.setLabel(null);
        frame.metadata().clear();
        return item;
    }

    @Override
    public void recycle(VideoFrame frame) { pool.release(frame); }

    @Override
    public void expectFramesInFlight(int frames) { pool.expect(frames); }

    /** Frames decoded so far. */
    public long framesDecoded() { return videoFrames; }

    @Override
    public void close() { closeQuietly(grabber); }

    /**
     * What the container's framing says is missing, or null. A transport stream is a whole number of
     * 188-byte packets (192 for M2TS, 204 with FEC); an AVI's RIFF header states its own size. A file that
     * falls short of either was cut, though its last complete frames may decode cleanly and neither has an
     * index left to fall short of (an AVI's index is at its end).
     */
    private static String containerCut(Path path, String format) {
        try {
            long size = Files.size(path);
            if (format != null && format.contains("mpegts") && size % 188 != 0 && size % 192 != 0 && size % 204 != 0) {
                return "the file ends inside an MPEG-TS packet";
            }
            if (format != null && format.contains("avi")) {
                byte[] head = new byte[12];
                try (var in = Files.newInputStream(path)) {
                    if (in.readNBytes(head, 0, 12) == 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F') {
                        long riff = (head[4] & 0xffL) | (head[5] & 0xffL) << 8 | (head[6] & 0xffL) << 16 | (head[7] & 0xffL) << 24;
                        if (size < riff + 8) return "its RIFF header says " + (riff + 8) + " bytes, the file has " + size;
                    }
                }
            }
        } catch (IOException e) {
            return null; // unreadable files fail in the decode itself
        }
        return null;
    }

    /** What an MP4/MOV's box framing says is cut off, or null. */
    private static String isoTruncation(Path path) {
        try {
            return IsoBoxes.truncation(path).orElse(null);
        } catch (IOException e) {
            throw new InputException(path + ": cannot read: " + MediaPaths.oneLine(e), e);
        }
    }

    /** Turns FFmpegFrameGrabber's start() messages into what went wrong, in the user's terms. */
    private static String openFailure(Exception e) {
        String m = MediaPaths.oneLine(e);
        if (m.contains("avformat_open_input")) {
            return "not a video file FFmpeg can read (" + ffmpegReason(m) + ")";
        }
        if (m.contains("avformat_find_stream_info")) return "cannot read its streams (" + ffmpegReason(m) + ")";
        if (m.contains("avcodec_find_decoder")) return "unsupported video codec (" + m + ")";
        if (m.contains("avcodec_open2")) return "cannot open the video decoder (" + ffmpegReason(m) + ")";
        return "cannot open as video (" + m + ")";
    }

    private static final Pattern ERROR_CODE = Pattern.compile("error (-\\d+)");

    /** FFmpeg's description of the error code in a JavaCV message ("Invalid data found when processing input"). */
    private static String ffmpegReason(String message) {
        Matcher m = ERROR_CODE.matcher(message);
        if (!m.find()) return message;
        try (BytePointer text = new BytePointer(256)) {
            int code = Integer.parseInt(m.group(1));
            // limit 0: read up to the terminating NUL, not the whole buffer
            return av_strerror(code, text, text.capacity()) == 0 ? text.limit(0).getString() : "FFmpeg error " + code;
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close(); // stop() + release(): frees codec contexts and the file
        } catch (Exception ignored) {
            // nothing useful to do about a failing release
        }
    }
}
