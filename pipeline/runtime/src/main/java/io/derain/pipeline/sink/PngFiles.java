package io.derain.pipeline.sink;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.derain.operators.frame.VideoFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Writes a frame's pixels or its attention map as a lossless PNG, straight from the frame's buffers. */
public final class PngFiles {
    private PngFiles() {}

    /** The frame's BGR pixels. */
    public static void writePixels(VideoFrame frame, Path file) throws IOException {
        write(frame.pixels(), frame.width(), frame.height(), CV_8UC3, frame.stride(), file);
    }

    /** The frame's attention map (the drop mask after rain synthesis) as 8-bit grey. */
    public static void writeAttention(VideoFrame frame, Path file) throws IOException {
        ByteBuffer map = frame.attention();
        if (map == null) throw new IllegalStateException(frame + " has no attention map to write");
        write(map, frame.width(), frame.height(), CV_8UC1, frame.width(), file);
    }

    private static void write(ByteBuffer data, int width, int height, int type, int stride, Path file)
            throws IOException {
        // Mat headers over the frame's own memory: no pixel copy.
        try (BytePointer pointer = new BytePointer(data);
             Mat mat = new Mat(height, width, type, pointer, stride)) {
            boolean ok;
            try {
                ok = imwrite(file.toString(), mat);
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot write: " + e.getMessage(), e);
            }
            if (!ok) throw new IOException(file + ": cannot write");
        }
    }
}
