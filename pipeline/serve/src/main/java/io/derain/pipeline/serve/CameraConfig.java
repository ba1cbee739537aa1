package io.derain.pipeline.serve;

import io.derain.models.SettingsException;
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
 */
public record CameraConfig(String id, String input, String output, Duration segment, double fps, Duration maxLatency) {
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
    }
}
