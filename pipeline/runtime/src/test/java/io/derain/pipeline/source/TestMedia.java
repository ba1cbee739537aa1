package io.derain.pipeline.source;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.VideoFileSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;

/** The shared test media and ways to look inside encoded files, for the source and sink tests. */
public final class TestMedia {
    private TestMedia() {}

    /** The checkout's root: the first directory above the working directory (a module's) holding the sample clip. */
    public static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("samples/media/rainy-road.mp4"))) return dir;
        }
        throw new IllegalStateException("no checkout (samples/media/rainy-road.mp4) above " + Path.of("").toAbsolutePath());
    }

    /** samples/media/rainy-road.mp4: 640×360, 25 fps, 100 frames. */
    public static Path sampleClip() { return repoRoot().resolve("samples/media/rainy-road.mp4"); }

    /** {@code -Dderain.shared} (set by surefire), else {@code ../shared} beside the checkout. */
    public static Path shared() {
        String property = System.getProperty("derain.shared");
        Path dir = property != null ? Path.of(property) : repoRoot().resolveSibling("shared");
        dir = dir.normalize();
        assertTrue(Files.isDirectory(dir), "shared test data not found at " + dir + " (set -Dderain.shared)");
        return dir;
    }

    /** 1280×720, 38 frames, 25 fps, AAC audio. */
    public static Path shortClip() { return shared().resolve("data/dashcam/test_video.mp4"); }

    /** 960×540, 221 frames, 25 fps, AAC audio. */
    public static Path audioClip() { return shared().resolve("data/dashcam/solidWhiteRight.mp4"); }

    /** 16 s of a real rainy windshield drive, 640x360, 30 fps (evaluation material). */
    public static Path windshieldVideo() { return shared().resolve("data/real-rain/windshield-video/highway-rain-first16s.mp4"); }

    /** The paper's real rainy photos: 5 jpg (720×480) and 3 png. */
    public static Path realRain() { return shared().resolve("data/real-rain/input"); }

    /**
     * {@code dir} made a pairs directory of the paper's case1..5 photos (rainy/) and what its released model
     * made of them (clean/), for {@code derain eval --pairs}; returns {@code dir}.
     */
    public static Path realPhotosWithReleasedOutputs(Path dir) throws IOException {
        Path rainy = Files.createDirectories(dir.resolve("rainy")), official = Files.createDirectories(dir.resolve("clean"));
        Path released = realRain().resolveSibling("official-output");
        for (int i = 1; i <= 5; i++) {
            String name = "case" + i + ".jpg";
            Files.copy(realRain().resolve(name), rainy.resolve(name));
            Files.copy(released.resolve(name), official.resolve(name));
        }
        return dir;
    }

    /** What an independent decoder (a plain FFmpegFrameGrabber, not our source) finds in a file. */
    public record Probe(int width, int height, double frameRate, int frames, List<Long> timestamps,
                        int audioChannels, int sampleRate, String audioCodec, String videoCodec) {}

    public static Probe probe(Path file) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
            g.start();
            List<Long> timestamps = new ArrayList<>();
            Frame f;
            while ((f = g.grabImage()) != null) timestamps.add(f.timestamp);
            return new Probe(g.getImageWidth(), g.getImageHeight(), g.getFrameRate(), timestamps.size(),
                    timestamps, g.getAudioChannels(), g.getSampleRate(), g.getAudioCodecName(),
                    g.getVideoCodecName());
        }
    }

    /** Mean absolute difference (0..255) over all pixels of all frames, decoding both files in lockstep. */
    public static double meanAbsDiff(Path a, Path b) throws Exception {
        try (FFmpegFrameGrabber ga = new FFmpegFrameGrabber(a.toString());
             FFmpegFrameGrabber gb = new FFmpegFrameGrabber(b.toString())) {
            ga.setPixelFormat(AV_PIX_FMT_BGR24);
            gb.setPixelFormat(AV_PIX_FMT_BGR24);
            ga.start();
            gb.start();
            double sum = 0;
            long n = 0;
            Frame fa;
            Frame fb;
            while ((fa = ga.grabImage()) != null && (fb = gb.grabImage()) != null) {
                int w = Math.min(fa.imageWidth, fb.imageWidth) * 3;
                int h = Math.min(fa.imageHeight, fb.imageHeight);
                ByteBuffer pa = (ByteBuffer) fa.image[0];
                ByteBuffer pb = (ByteBuffer) fb.image[0];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        sum += Math.abs((pa.get(y * fa.imageStride + x) & 0xff) - (pb.get(y * fb.imageStride + x) & 0xff));
                    }
                }
                n += (long) w * h;
            }
            return sum / n;
        }
    }

    /** Per-frame luminance PSNR (dB, 99 for identical) of two videos decoded in lockstep; as many as the shorter has. */
    public static List<Double> lumaPsnr(Path a, Path b) throws Exception {
        try (FFmpegFrameGrabber ga = new FFmpegFrameGrabber(a.toString());
             FFmpegFrameGrabber gb = new FFmpegFrameGrabber(b.toString())) {
            ga.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);
            gb.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);
            ga.start();
            gb.start();
            List<Double> out = new ArrayList<>();
            Frame fa;
            Frame fb;
            while ((fa = ga.grabImage()) != null && (fb = gb.grabImage()) != null) {
                if (fa.imageWidth != fb.imageWidth || fa.imageHeight != fb.imageHeight) {
                    throw new AssertionError("frame sizes differ: " + fa.imageWidth + "x" + fa.imageHeight + " vs "
                            + fb.imageWidth + "x" + fb.imageHeight);
                }
                ByteBuffer pa = (ByteBuffer) fa.image[0];
                ByteBuffer pb = (ByteBuffer) fb.image[0];
                double se = 0;
                for (int y = 0; y < fa.imageHeight; y++) {
                    for (int x = 0; x < fa.imageWidth; x++) {
                        int d = (pa.get(y * fa.imageStride + x) & 0xff) - (pb.get(y * fb.imageStride + x) & 0xff);
                        se += d * d;
                    }
                }
                double mse = se / ((double) fa.imageWidth * fa.imageHeight);
                out.add(mse == 0 ? 99.0 : 10 * Math.log10(255.0 * 255.0 / mse));
            }
            return out;
        }
    }

    /**
     * Fine detail: the mean absolute difference (0..255) between horizontally adjacent pixels over all frames,
     * decoded by an independent grabber. Blurring lowers it; a sharp copy keeps it.
     */
    public static double meanDetail(Path video) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toString())) {
            g.setPixelFormat(AV_PIX_FMT_BGR24);
            g.start();
            double sum = 0;
            long n = 0;
            Frame f;
            while ((f = g.grabImage()) != null) {
                ByteBuffer p = (ByteBuffer) f.image[0];
                int w = (f.imageWidth - 1) * 3;
                for (int y = 0; y < f.imageHeight; y++) {
                    int row = y * f.imageStride;
                    for (int x = 0; x < w; x++) sum += Math.abs((p.get(row + x) & 0xff) - (p.get(row + x + 3) & 0xff));
                }
                n += (long) w * f.imageHeight;
            }
            return sum / n;
        }
    }

    /**
     * Rain-free frames as a pairs directory ({@code dir/rainy} = {@code dir/clean}): from each of the seven clean
     * dashcam clips the frames at the given fractions of its duration, at the clip's own size, as PNG named
     * {@code <clip>_<k>.png} ({@code k} the fraction's index). The README's clear set is the fractions 0.05, 0.25,
     * 0.45, 0.65, 0.85 (35 frames).
     */
    public static Path clearFrames(Path dir, double... fractions) throws Exception {
        Path rainy = Files.createDirectories(dir.resolve("rainy")), clean = Files.createDirectories(dir.resolve("clean"));
        List<Path> clips;
        try (var files = Files.list(shared().resolve("data/dashcam"))) {
            clips = files.filter(f -> f.toString().endsWith(".mp4")).sorted().toList();
        }
        assertTrue(clips.size() == 7, "the seven clean clips: " + clips);
        try (OpenCVFrameConverter.ToMat mats = new OpenCVFrameConverter.ToMat()) {
            for (Path clip : clips) {
                String name = clip.getFileName().toString().replace(".mp4", "");
                try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toString())) {
                    g.setPixelFormat(AV_PIX_FMT_BGR24);
                    g.start();
                    long duration = g.getLengthInTime();
                    for (int k = 0; k < fractions.length; k++) {
                        g.setTimestamp((long) (duration * fractions[k]), true);
                        Frame f = g.grabImage();
                        assertTrue(f != null, clip + ": no frame at " + fractions[k] + " of its length");
                        Path png = clean.resolve(name + "_" + k + ".png");
                        imwrite(png.toString(), mats.convert(f));
                        Files.copy(png, rainy.resolve(png.getFileName()));
                    }
                }
            }
        }
        return dir;
    }

    /** A frame with a gradient that moves with {@code t}, so an encoder has real work to do. */
    public static VideoFrame gradient(int width, int height, int t) {
        VideoFrame frame = new VideoFrame(width, height);
        ByteBuffer px = frame.pixels();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * frame.stride() + x * 3;
                px.put(i, (byte) (x + t * 4));
                px.put(i + 1, (byte) (y * 2));
                px.put(i + 2, (byte) ((x + y) / 2 + t));
            }
        }
        return frame;
    }

    /** A 128x96 video of {@code frames} gradient frames at 25 fps without audio: cheap to decode, encode and derain. */
    public static Path smallClip(Path file, int frames) throws IOException {
        SourceInfo info = new SourceInfo("small", 128, 96, 25, frames, null);
        try (VideoFileSink sink = new VideoFileSink(file, info, false)) {
            for (int i = 0; i < frames; i++) {
                VideoFrame frame = gradient(128, 96, i);
                frame.setTimestampMicros(i * 40_000L);
                frame.setIndex(i);
                sink.write(frame);
            }
            sink.commit();
        }
        return file;
    }

    /**
     * {@code frames} frames of seeded noise (over a horizontal ramp) as H.264 in {@code format} (an FFmpeg
     * muxer name: mpegts, avi, matroska, mp4, mov, h264), 25 fps, a key frame every 10: small inputs for the
     * damaged-input tests.
     */
    public static Path noiseClip(Path file, String format, int width, int height, int frames, long seed) throws Exception {
        try (org.bytedeco.javacv.FFmpegFrameRecorder rec = new org.bytedeco.javacv.FFmpegFrameRecorder(file.toString(), width, height, 0)) {
            rec.setFormat(format);
            rec.setFrameRate(25);
            rec.setVideoCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264);
            rec.setGopSize(10);
            rec.start();
            var converter = new org.bytedeco.javacv.Java2DFrameConverter();
            java.util.Random random = new java.util.Random(seed);
            var img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            for (int i = 0; i < frames; i++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) img.setRGB(x, y, random.nextInt(1 << 24) & 0x3f3f3f | (x * 255 / width) << 16);
                }
                rec.record(converter.convert(img));
            }
            rec.stop();
        }
        return file;
    }

    /** Video frames a full read of {@code file} yields (through {@link Sources}); its InputException if damaged. */
    public static long decodedFrames(Path file) throws Exception {
        long n = 0;
        try (FrameSource source = Sources.open(file)) {
            io.derain.pipeline.media.MediaItem item;
            while ((item = source.next()) != null) {
                if (item instanceof io.derain.pipeline.media.VideoItem v) {
                    source.recycle(v.frame());
                    n++;
                }
            }
        }
        return n;
    }
}
