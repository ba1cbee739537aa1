package io.derain.pipeline.kafka;

import java.util.Locale;

/** How a record's value encodes its frame: the {@code derain.codec} header's values. */
public enum ImageCodec {
    /** Baseline JPEG (lossy; about 10x smaller than PNG on camera frames). */
    JPEG("jpeg", ".jpg"),
    /** PNG, lossless. */
    PNG("png", ".png");

    private final String header;
    private final String extension;

    ImageCodec(String header, String extension) {
        this.header = header;
        this.extension = extension;
    }

    /** The value of the {@code derain.codec} header. */
    public String header() { return header; }

    /** The file extension OpenCV picks its encoder by. */
    String extension() { return extension; }

    /** The codec a header names, or null if it names none. */
    public static ImageCodec fromHeader(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (ImageCodec c : values()) if (c.header.equals(v)) return c;
        return null;
    }
}
