package io.derain.pipeline.serve;

import io.derain.models.SettingsException;
import io.derain.pipeline.sink.Retention;
import java.time.Duration;
import java.util.Objects;

/**
 * One camera of a {@link ServeConfig}: where its frames come from and go, as {@code derain run} takes them.
 *
 * @param id         the camera's id (metrics label, segment names); unique in the file
 * @param input      a stream URL or a file
 * @param output     a file, a segment name pattern (with {@code segment}) or a stream URL to publish to
 * @param segment    length of rolling segments, or null for one output
 * @param fps        frames per second to keep, 0 for all
 * @param maxLatency frames older than this at the model are dropped
 * @param retain     which closed segments are deleted; {@link Retention#NONE} keeps all
 */
public record CameraConfig(String id, String input, String output, Duration segment, double fps, Duration maxLatency,
                           Retention retain) {
    public CameraConfig {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new SettingsException("id: expected 1 to 64 letters, digits, '.', '_' or '-', got " + (id == null ? "none" : "'" + id + "'"));
        }
        if (input == null || input.isBlank()) throw new SettingsException("input: missing");
        if (output == null || output.isBlank()) throw new SettingsException("output: missing");
        if (segment != null && (segment.isZero() || segment.isNegative())) throw new SettingsException("segment: must be positive");
        if (!(fps >= 0) || Double.isInfinite(fps)) throw new SettingsException("fps: must be zero or positive, got " + fps);
        Objects.requireNonNull(maxLatency, "maxLatency");
        if (maxLatency.isNegative()) throw new SettingsException("max-latency: must not be negative");
        Objects.requireNonNull(retain, "retain");
        if (segment == null && !retain.keepsAll()) throw new SettingsException("retain: applies to segments; give segment too");
    }

    /** A camera reading {@code input} and writing {@code output}, everything else at its default. */
    public static Builder builder(String id, String input, String output) {
        return new Builder(id, input, output);
    }

    /** Builds a {@link CameraConfig}: one output, every frame, 1 s latency bound, nothing deleted unless set. */
    public static final class Builder {
        private final String id;
        private final String input;
        private final String output;
        private Duration segment;
        private double fps;
        private Duration maxLatency = Duration.ofSeconds(1);
        private Retention retain = Retention.NONE;

        private Builder(String id, String input, String output) {
            this.id = id;
            this.input = input;
            this.output = output;
        }

        public Builder segment(Duration length) { segment = length; return this; }
        public Builder fps(double framesPerSecond) { fps = framesPerSecond; return this; }
        public Builder maxLatency(Duration latency) { maxLatency = latency; return this; }
        public Builder retain(Retention policy) { retain = policy; return this; }

        /** @throws SettingsException for a bad value, naming its key */
        public CameraConfig build() {
            return new CameraConfig(id, input, output, segment, fps, maxLatency, retain);
        }
    }
}
