package io.derain.pipeline.sink;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.MediaPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes frames as still images with OpenCV: either one image file, or a directory holding one image per
 * frame named by the frame's label (its input file name). The format follows the file's extension: PNG
 * stays lossless, JPEG and WebP are written at quality 95. Everything goes to a hidden sibling first and
 * is renamed into place by {@link #commit()}.
 */
public final class ImageSink implements FrameSink {
    static final int LOSSY_QUALITY = 95;

    private final TempOutput output;
    private final boolean singleFile;
    private final Set<String> written = new HashSet<>();
    private boolean committed;

    private ImageSink(TempOutput output, boolean singleFile) {
        this.output = output;
        this.singleFile = singleFile;
    }

    /** One image at {@code file}; its extension picks the format. */
    public static ImageSink toFile(Path file, boolean overwrite) throws IOException {
        if (!MediaPaths.isImage(file)) {
            throw new io.derain.pipeline.InputException(file + ": not an image file name (use "
                    + String.join(", ", MediaPaths.IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return new ImageSink(TempOutput.file(file, overwrite), true);
    }

    /** A directory of images named by frame label; an existing empty directory is fine without overwrite. */
    public static ImageSink toDirectory(Path directory, boolean overwrite) throws IOException {
        return new ImageSink(TempOutput.directory(directory, overwrite), false);
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        Path file = singleFile ? output.temp() : output.temp().resolve(fileName(frame));
        String key = file.getFileName().toString();
        if (!written.add(key)) {
            throw new IOException(output.target() + (singleFile
                    ? ": an image file holds one frame; got another (" + frame + ")"
                    : ": two frames are named " + key));
        }
        try (BytePointer data = new BytePointer(frame.pixels());
             Mat mat = new Mat(frame.height(), frame.width(), CV_8UC3, data, frame.stride());
             IntPointer params = encoderParams(MediaPaths.extension(file))) {
            boolean ok;
            try {
                ok = params == null ? imwrite(file.toString(), mat) : imwrite(file.toString(), mat, params);
            } catch (RuntimeException e) { // OpenCV throws cv::Exception for unknown extensions
                throw new IOException(output.target() + ": cannot write " + key + ": " + e.getMessage(), e);
            }
            if (!ok) throw new IOException(output.target() + ": cannot write " + key);
        }
    }

    /** The label's file name (never a path: labels come from input names); the index when there is none. */
    private static String fileName(VideoFrame frame) {
        String label = frame.label();
        String name = label == null ? "" : Path.of(label).getFileName().toString();
        if (name.isEmpty() || name.startsWith(".")) name = String.format("frame_%06d.png", frame.index());
        return MediaPaths.isImage(Path.of(name)) ? name : name + ".png";
    }

    /** imwrite's parameters for the format, or null for its defaults. */
    private static IntPointer encoderParams(String extension) {
        return switch (extension) {
            case "jpg", "jpeg" -> new IntPointer(IMWRITE_JPEG_QUALITY, LOSSY_QUALITY);
            case "webp" -> new IntPointer(IMWRITE_WEBP_QUALITY, LOSSY_QUALITY);
            default -> null; // PNG, BMP, TIFF: lossless at OpenCV's defaults
        };
    }

    /** Frames written so far. */
    public int framesWritten() { return written.size(); }

    @Override
    public void commit() throws IOException {
        if (singleFile && written.isEmpty()) throw new IOException(output.target() + ": no frame to write");
        output.commit();
        committed = true;
    }

    @Override
    public void close() {
        if (!committed) output.discard();
    }
}
