package io.derain.pipeline.kafka;

import io.derain.pipeline.media.EncodedImage;

/** A record value's picture size and completeness ({@link EncodedImage}), as a {@link RecordProblem} when wrong. */
final class ImageSize {
    private ImageSize() {}

    /**
     * Width and height as {@code (long) width << 32 | height}.
     *
     * @throws RecordProblem if the value is not a complete image of that codec
     */
    static long of(byte[] value, ImageCodec codec) {
        try {
            return codec == ImageCodec.PNG ? EncodedImage.png(value) : EncodedImage.jpeg(value);
        } catch (EncodedImage.Damaged e) {
            throw new RecordProblem(e.getMessage());
        }
    }

    static int width(long size) { return EncodedImage.width(size); }
    static int height(long size) { return EncodedImage.height(size); }
}
