package io.derain.pipeline.kafka;

import io.derain.models.SettingsException;
import java.util.Objects;

/**
 * How a sink encodes frames into record values.
 *
 * @param codec       JPEG or PNG
 * @param jpegQuality 1..100, JPEG only (95 keeps a camera frame above 40 dB luminance PSNR)
 */
public record FrameEncoding(ImageCodec codec, int jpegQuality) {
    public static final int DEFAULT_JPEG_QUALITY = 95;
    /** JPEG at quality 95. */
    public static final FrameEncoding DEFAULT = new FrameEncoding(ImageCodec.JPEG, DEFAULT_JPEG_QUALITY);
    /** Lossless PNG. */
    public static final FrameEncoding LOSSLESS = new FrameEncoding(ImageCodec.PNG, DEFAULT_JPEG_QUALITY);

    public FrameEncoding {
        Objects.requireNonNull(codec, "codec");
        if (jpegQuality < 1 || jpegQuality > 100) throw new SettingsException("JPEG quality must be 1..100, got " + jpegQuality);
    }

    public static FrameEncoding of(ImageCodec codec) {
        return codec == ImageCodec.PNG ? LOSSLESS : DEFAULT;
    }
}
