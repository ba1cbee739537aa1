package io.derain.pipeline.kafka;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.TestMedia;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Natural-looking test frames (the repository's sample clip) and how close two frames are. */
public final class KafkaTestFrames {
    private KafkaTestFrames() {}

    /** The clip's first {@code count} frames as BGR24 frames, indexed and timed as a file source would. */
    static List<VideoFrame> clipFrames(int count) throws Exception {
        List<VideoFrame> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(TestMedia.sampleClip().toString())) {
            grabber.setPixelFormat(AV_PIX_FMT_BGR24);
            grabber.start();
            Frame f;
            while (frames.size() < count && (f = grabber.grabImage()) != null) {
                VideoFrame frame = new VideoFrame(f.imageWidth, f.imageHeight);
                ByteBuffer src = (ByteBuffer) f.image[0];
                ByteBuffer dst = frame.pixels();
                for (int y = 0; y < f.imageHeight; y++) dst.put(y * frame.stride(), src, y * f.imageStride, frame.stride());
                frame.setIndex(frames.size());
                frame.setTimestampMicros(frames.size() * 40_000L);
                frames.add(frame);
            }
        }
        if (frames.size() < count) throw new IllegalStateException("the sample clip has only " + frames.size() + " frames");
        return frames;
    }

    /** Luminance (BT.601) PSNR of b against a (same size), in dB; 100 for identical frames. */
    static double lumaPsnr(VideoFrame a, VideoFrame b) {
        if (!a.sameSizeAs(b)) throw new AssertionError(a + " and " + b + " differ in size");
        ByteBuffer pa = a.pixels(), pb = b.pixels();
        double sum = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                int i = y * a.stride() + 3 * x;
                double d = luma(pa, i) - luma(pb, i);
                sum += d * d;
            }
        }
        double mse = sum / ((double) a.width() * a.height());
        return mse <= 0 ? 100 : Math.min(100, 10 * Math.log10(255.0 * 255.0 / mse));
    }

    private static double luma(ByteBuffer bgr, int i) {
        return 0.114 * (bgr.get(i) & 0xff) + 0.587 * (bgr.get(i + 1) & 0xff) + 0.299 * (bgr.get(i + 2) & 0xff);
    }

    static boolean samePixels(VideoFrame a, VideoFrame b) {
        return a.sameSizeAs(b) && a.pixels().equals(b.pixels());
    }
}
