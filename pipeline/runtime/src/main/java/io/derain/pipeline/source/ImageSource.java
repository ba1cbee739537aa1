package io.derain.pipeline.source;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Still images as frames: one image file, or every image in a directory sorted by file name (the paper's
 * demo mode). Each frame's label is its file name; sizes may differ from image to image. Decoded with
 * OpenCV, which yields BGR already, with EXIF orientation applied.
 */
public final class ImageSource implements FrameSource {
    private final Path input;
    private final List<Path> images;
    private final SourceInfo info;
    private final FramePool pool = new FramePool();
    /** The first image, decoded while opening to learn its size; handed out by the first next(). */
    private Mat pending;
    private int nextIndex;
    private final boolean keepGoing;
    private final List<String> damage = new java.util.ArrayList<>();

    private ImageSource(Path input, List<Path> images, boolean keepGoing) {
        this.input = input;
        this.images = images;
        this.keepGoing = keepGoing;
        this.pending = decodeNext(); // the first readable image, so a bad input fails here
        if (pending == null) throw new InputException(input + ": no readable image (" + String.join("; ", damage) + ")");
        this.info = new SourceInfo(input.toString(), pending.cols(), pending.rows(), 0, images.size(), null);
    }

    /** Opens an image file or a directory of images; decodes the first one so a bad input fails here. */
    public static ImageSource open(Path path) {
        return open(path, false);
    }

    /**
     * As {@link #open(Path)}; with {@code keepGoing}, a damaged image in a directory is skipped and listed
     * by {@link #damage()} instead of failing the read.
     */
    public static ImageSource open(Path path, boolean keepGoing) {
        boolean directory = Files.isDirectory(path);
        List<Path> images = directory ? list(path) : List.of(checkedImageFile(path));
        return new ImageSource(path, images, keepGoing && directory);
    }

    @Override
    public List<String> damage() { return List.copyOf(damage); }

    /** Decodes images[nextIndex], skipping damaged ones when keeping going; null at the end. */
    private Mat decodeNext() {
        while (nextIndex < images.size()) {
            try {
                return decode(images.get(nextIndex));
            } catch (InputException e) {
                if (!keepGoing) throw e;
                damage.add(e.getMessage());
                nextIndex++;
            }
        }
        return null;
    }

    /** The image files this source reads, in order. */
    public List<Path> images() { return images; }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        Mat mat = pending != null ? pending : decodeNext();
        pending = null;
        if (mat == null) return null;
        Path file = images.get(nextIndex);
        try {
            VideoItem item = pool.acquire(mat.cols(), mat.rows());
            VideoFrame frame = item.frame();
            PixelRows.copy(mat.data().capacity(mat.step() * mat.rows()).asByteBuffer(), (int) mat.step(),
                    frame.pixels(), frame.stride(), frame.stride(), frame.height());
            frame.setIndex(nextIndex);
            frame.setTimestampMicros(0); // stills have no time
            frame.setLabel(file.getFileName().toString());
            frame.metadata().clear();
            nextIndex++;
            return item;
        } finally {
            mat.close();
        }
    }

    @Override
    public void recycle(VideoFrame frame) { pool.release(frame); }

    @Override
    public void expectFramesInFlight(int frames) { pool.expect(frames); }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
            pending = null;
        }
        nextIndex = images.size();
    }

    private static List<Path> list(Path dir) {
        if (!Files.isReadable(dir)) throw new InputException(dir + ": directory not readable (permission denied)");
        List<Path> images;
        try (Stream<Path> entries = Files.list(dir)) {
            images = entries
                    .filter(p -> !p.getFileName().toString().startsWith(".")) // hidden files, macOS "._x.jpg"
                    .filter(MediaPaths::isImage)
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new InputException(dir + ": cannot list directory: " + MediaPaths.oneLine(e), e);
        }
        if (images.isEmpty()) {
            throw new InputException(dir + ": no images in directory (looked for "
                    + String.join(", ", MediaPaths.IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return images;
    }

    private static Path checkedImageFile(Path file) {
        MediaPaths.requireReadableFile(file);
        return file;
    }

    /** A BGR 8-bit picture; OpenCV converts grey, alpha and 16-bit images to that. */
    private static Mat decode(Path file) {
        MediaPaths.requireReadableFile(file);
        ImageFileCheck.check(file);
        Mat mat = imread(file.toString(), IMREAD_COLOR);
        if (mat == null || mat.empty()) {
            if (mat != null) mat.close();
            throw new InputException(file + ": not an image OpenCV can read (corrupt or unsupported format)");
        }
        if (mat.type() != CV_8UC3) {
            mat.close();
            throw new InputException(file + ": unexpected pixel layout after decoding (OpenCV type " + mat.type() + ")");
        }
        return mat;
    }
}
