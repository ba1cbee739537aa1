package io.derain.pipeline.kafka;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.evaluation.Luma;
import io.derain.pipeline.evaluation.Psnr;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Natural-looking test frames (the repository's sample clip) and how close two frames are. */
final class KafkaTestFrames {
    private KafkaTestFrames() {}

    /** samples/media/rainy-road.mp4: 640×360, 25 fps, 100 frames. */
    static Path sampleClip() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("samples/media/rainy-road.mp4");
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException("samples/media/rainy-road.mp4 not found above " + Path.of("").toAbsolutePath());
    }

    /** The clip's first {@code count} frames as BGR24 frames, indexed and timed as a file source would. */
    static List<VideoFrame> clipFrames(int count) throws Exception {
        List<VideoFrame> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(sampleClip().toString())) {
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

    /** Luminance PSNR of b against a (same size), in dB. */
    static double lumaPsnr(VideoFrame a, VideoFrame b) {
        if (!a.sameSizeAs(b)) throw new AssertionError(a + " and " + b + " differ in size");
        int n = a.width() * a.height();
        double[] ya = new double[n];
        double[] yb = new double[n];
        Luma.of(a.pixels(), a.width(), a.height(), a.stride(), ya);
        Luma.of(b.pixels(), b.width(), b.height(), b.stride(), yb);
        return Psnr.of(ya, yb, n);
    }

    static boolean samePixels(VideoFrame a, VideoFrame b) {
        return a.sameSizeAs(b) && a.pixels().equals(b.pixels());
    }
}
