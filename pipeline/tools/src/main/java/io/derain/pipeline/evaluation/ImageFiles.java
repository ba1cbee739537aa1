package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.ImageFileCheck;
import io.derain.pipeline.source.MediaPaths;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes still images for scoring (references, masks, maps), checked for damage first as inputs are
 * ({@link ImageFileCheck}): a truncated reference must fail, not score against grey. The caller owns
 * (closes) the returned Mat.
 */
final class ImageFiles {
    private ImageFiles() {}

    /** BGR24, as image sources decode it. */
    static Mat readColor(Path file) {
        return read(file, IMREAD_COLOR, CV_8UC3);
    }

    /** 8-bit grey (a colour mask is converted). */
    static Mat readGrey(Path file) {
        return read(file, IMREAD_GRAYSCALE, CV_8UC1);
    }

    /** The Mat's bytes, {@code step() * rows()} long. */
    static ByteBuffer bytes(Mat mat) {
        return mat.data().capacity(mat.step() * mat.rows()).asByteBuffer();
    }

    private static Mat read(Path file, int flags, int type) {
        MediaPaths.requireReadableFile(file);
        ImageFileCheck.check(file);
        Mat mat = imread(file.toString(), flags);
        if (mat == null || mat.empty() || mat.type() != type) {
            if (mat != null) mat.close();
            throw new InputException(file + ": not an image OpenCV can read (corrupt or unsupported format)");
        }
        return mat;
    }
}
