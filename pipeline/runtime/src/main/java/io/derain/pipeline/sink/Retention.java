package io.derain.pipeline.sink;

import io.derain.models.SettingsException;
import java.time.Duration;

/**
 * How long a segmented recording keeps its closed segments: the oldest are deleted once any limit is passed.
 * Built with {@link #builder()}; {@link #NONE} keeps everything.
 *
 * @param maxAge       a closed segment older than this (by its last modification) is deleted; null for no limit
 * @param maxBytes     the camera's closed segments together stay within this many bytes; 0 for no limit
 * @param minFreeBytes segments are deleted while the disk has less free space than this; 0 for no limit
 */
public record Retention(Duration maxAge, long maxBytes, long minFreeBytes) {
    /** Keeps every segment. */
    public static final Retention NONE = new Retention(null, 0, 0);

    public Retention {
        if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) throw new SettingsException("max-age: must be positive");
        if (maxBytes < 0) throw new SettingsException("max-size: must not be negative");
        if (minFreeBytes < 0) throw new SettingsException("min-free: must not be negative");
    }

    /** True when nothing is ever deleted. */
    public boolean keepsAll() {
        return maxAge == null && maxBytes == 0 && minFreeBytes == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Retention}; every limit is off unless set. */
    public static final class Builder {
        private Duration maxAge;
        private long maxBytes;
        private long minFreeBytes;

        private Builder() {}

        /** Delete closed segments older than this. */
        public Builder maxAge(Duration age) { maxAge = age; return this; }

        /** Keep the camera's closed segments within this many bytes (the newest is always kept). */
        public Builder maxBytes(long bytes) { maxBytes = bytes; return this; }

        /** Delete the oldest closed segments while the disk has less free space than this. */
        public Builder minFreeBytes(long bytes) { minFreeBytes = bytes; return this; }

        public Retention build() {
            return new Retention(maxAge, maxBytes, minFreeBytes);
        }
    }
}
