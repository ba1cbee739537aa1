package io.derain.pipeline.kafka;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import io.derain.operators.frame.VideoFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes a frame's BGR24 pixels to JPEG or PNG and decodes them back, with OpenCV. Mat headers wrap the
 * frame's own buffer (no pixel copies: decoding writes straight into the frame); the native buffer that
 * holds a record's value for decoding is kept and grown. One per thread; {@link #close()} frees it.
 */
final class FrameImages implements AutoCloseable {
    private final IntPointer jpegParams;
    private BytePointer input = new BytePointer(256 * 1024);

    FrameImages(FrameEncoding encoding) {
        this.jpegParams = new IntPointer(IMWRITE_JPEG_QUALITY, encoding.jpegQuality());
    }

    /** The encoded picture; a frame OpenCV cannot encode is a programming error (frames are always BGR24). */
    byte[] encode(VideoFrame frame, ImageCodec codec) {
        try (BytePointer pixels = new BytePointer(frame.pixels());
             Mat mat = new Mat(frame.height(), frame.width(), CV_8UC3, pixels, frame.stride());
             BytePointer out = new BytePointer()) {
            boolean ok = codec == ImageCodec.JPEG ? imencode(codec.extension(), mat, out, jpegParams)
                    : imencode(codec.extension(), mat, out); // PNG at OpenCV's default compression
            if (!ok) {
                throw new IllegalStateException("OpenCV could not encode " + frame + " as " + codec.header());
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /**
     * Decodes {@code value} into {@code into}'s pixels; {@code into} already has the picture's size, which
     * {@link ImageSize} read from the value itself.
     *
     * @throws RecordProblem if OpenCV cannot decode it
     */
    void decode(byte[] value, ImageCodec codec, VideoFrame into) {
        if (input.capacity() < value.length) {
            input.close();
            input = new BytePointer(Math.max(value.length, input.capacity() * 2));
        }
        input.position(0).put(value, 0, value.length);
        try (Mat encoded = new Mat(1, value.length, CV_8UC1, input);
             BytePointer pixels = new BytePointer(into.pixels());
             Mat target = new Mat(into.height(), into.width(), CV_8UC3, pixels, into.stride());
             Mat decoded = imdecode(encoded, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION, target)) {
            if (decoded == null || decoded.empty()) throw new RecordProblem("undecodable " + codec.header() + " image");
            if (decoded.cols() != into.width() || decoded.rows() != into.height() || decoded.type() != CV_8UC3
                    || decoded.data().address() != pixels.address()) {
                // Only if OpenCV reallocated (it may not, the size was checked): never hand out a partial frame.
                throw new RecordProblem("decoded " + codec.header() + " image is " + decoded.cols() + "x" + decoded.rows()
                        + ", not the " + into.width() + "x" + into.height() + " its header declares");
            }
        } catch (RuntimeException e) {
            if (e instanceof RecordProblem) throw e;
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").trim();
            throw new RecordProblem("undecodable " + codec.header() + " image (" + message + ")");
        }
    }

    @Override
    public void close() {
        input.close();
        jpegParams.close();
    }
}
