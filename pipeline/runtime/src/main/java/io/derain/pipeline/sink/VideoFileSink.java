package io.derain.pipeline.sink;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.source.MediaPaths;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.VideoFileSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Encodes frames to H.264 (yuv420p) in an mp4, mkv or mov chosen by the output's extension, at the
 * source's frame rate and size, each frame at its source timestamp; audio is re-encoded to AAC at the
 * source's sample rate and channel count. Written to a hidden temporary file beside the output and renamed
 * into place by {@link #commit()}.
 *
 * <p>H.264 in 4:2:0 needs even dimensions: an odd width or height loses its last column or row (cropped,
 * not rescaled). Timestamps are placed on the frame-rate grid, so variable-rate input becomes constant-rate
 * with gaps kept.
 */
public final class VideoFileSink implements FrameSink {
    /**
     * Target bits per pixel per frame: about 5.8 Mbit/s at 1280×720, 25 fps, which keeps the mean
     * re-encoding error near 2.5/255 with openh264 (an encoder that needs more bits than x264).
     */
    public static final double DEFAULT_BITS_PER_PIXEL = 0.25;
    private static final Map<String, String> MUXERS = Map.of("mp4", "mp4", "m4v", "mp4", "mov", "mov", "mkv", "matroska");
    private static final String OPENH264 = "libopenh264";

    private final TempOutput output;
    private final FFmpegFrameRecorder recorder;
    private final int width;
    private final int height;
    private final int encodedWidth;
    private final int encodedHeight;
    private final boolean audio;
    private long framesWritten;
    private boolean committed;

    public VideoFileSink(Path output, SourceInfo info, boolean overwrite) throws IOException {
        this(output, info, overwrite, DEFAULT_BITS_PER_PIXEL);
    }

    /** @param bitsPerPixel target video bit rate per pixel per frame (see {@link #DEFAULT_BITS_PER_PIXEL}) */
    public VideoFileSink(Path output, SourceInfo info, boolean overwrite, double bitsPerPixel) throws IOException {
        String muxer = MUXERS.get(MediaPaths.extension(output));
        if (muxer == null) {
            throw new InputException(output + ": unsupported video output type (use "
                    + String.join(", ", MediaPaths.VIDEO_OUTPUT_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        if (!(info.frameRate() > 0)) {
            throw new InputException(output + ": the input " + info.name() + " has no frame rate to encode at");
        }
        this.width = info.width();
        this.height = info.height();
        this.encodedWidth = width & ~1;
        this.encodedHeight = height & ~1;
        if (encodedWidth < 2 || encodedHeight < 2) {
            throw new InputException(output + ": frames of " + width + "x" + height + " are too small for H.264");
        }
        this.audio = info.hasAudio();
        this.output = TempOutput.file(output, overwrite);
        this.recorder = new FFmpegFrameRecorder(this.output.temp().toAbsolutePath().toString(),
                encodedWidth, encodedHeight, audio ? info.audio().channels() : 0);
        try {
            configureVideo(info.frameRate(), bitsPerPixel);
            if (audio) configureAudio(info.audio());
            recorder.setFormat(muxer);
            if (!muxer.equals("matroska")) recorder.setOption("movflags", "+faststart"); // index first: playable while downloading
            recorder.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            close();
            throw new IOException(output + ": cannot start the encoder: " + e.getMessage(), e);
        }
    }

    private void configureVideo(double fps, double bitsPerPixel) {
        recorder.setVideoCodec(AV_CODEC_ID_H264);
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setGopSize((int) Math.max(1, Math.round(fps * 2))); // a key frame every 2 s
        recorder.setImageScalingFlags(VideoFileSource.SCALING_FLAGS);
        long bitrate = Math.round((double) encodedWidth * encodedHeight * fps * bitsPerPixel);
        recorder.setVideoBitrate((int) Math.max(200_000, Math.min(bitrate, 100_000_000)));
        if (hasEncoder(OPENH264)) {
            // The LGPL build's H.264 encoder. Its defaults (constrained baseline, CAVLC) waste bits.
            recorder.setVideoCodecName(OPENH264);
            recorder.setVideoOption("profile", "high");
            recorder.setVideoOption("coder", "cabac");
            recorder.setVideoOption("rc_mode", "quality");
            recorder.setVideoOption("allow_skip_frames", "0"); // every input frame becomes an output frame
        }
    }

    private void configureAudio(SourceInfo.AudioFormat format) {
        recorder.setAudioCodec(AV_CODEC_ID_AAC);
        recorder.setSampleRate(format.sampleRate());
        recorder.setAudioChannels(format.channels());
        // Re-encoding loses quality: never go below 64 kbit/s per channel, whatever the source used.
        int floor = 64_000 * format.channels();
        recorder.setAudioBitrate(Math.min(Math.max(format.bitrate(), floor), 512_000));
    }

    private static boolean hasEncoder(String name) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        if (frame.width() != width || frame.height() != height) {
            throw new IOException(output.target() + ": frame " + frame.index() + " is " + frame.width() + "x"
                    + frame.height() + " but the video is " + width + "x" + height);
        }
        try {
            // record() ignores timestamps: move the encoder's clock forward, never back (that would
            // give two frames one timestamp, which the muxer rejects).
            if (frame.timestampMicros() > recorder.getTimestamp()) recorder.setTimestamp(frame.timestampMicros());
            // Passing the even size with the full stride crops an odd last column/row without copying.
            recorder.recordImage(encodedWidth, encodedHeight, Frame.DEPTH_UBYTE, 3, frame.stride(),
                    AV_PIX_FMT_BGR24, frame.pixels());
            framesWritten++;
        } catch (FrameRecorder.Exception e) {
            throw new IOException(output.target() + ": cannot encode frame " + frame.index() + ": " + e.getMessage(), e);
        }
    }

    /** Re-encodes the samples to AAC; they are resampled if their rate or channels differ from the source's. */
    @Override
    public void write(AudioItem item) throws IOException {
        if (!audio) return;
        try {
            recorder.record(item.samples());
        } catch (FrameRecorder.Exception e) {
            throw new IOException(output.target() + ": cannot encode audio: " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() throws IOException {
        try {
            recorder.stop(); // flushes the encoders, writes the index (and moves it to the front)
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            throw new IOException(output.target() + ": cannot finish the video: " + e.getMessage(), e);
        }
        output.commit();
        committed = true;
    }

    /** Frames encoded so far. */
    public long framesWritten() { return framesWritten; }

    /** The encoded size: the source's, less an odd last column or row. */
    public int encodedWidth() { return encodedWidth; }
    public int encodedHeight() { return encodedHeight; }

    @Override
    public void close() {
        try {
            recorder.release(); // without stop(): no trailer for an output that is thrown away
        } catch (FrameRecorder.Exception | RuntimeException ignored) {
            // the file goes anyway
        }
        if (!committed) output.discard();
    }
}
