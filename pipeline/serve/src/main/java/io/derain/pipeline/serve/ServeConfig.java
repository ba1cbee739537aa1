package io.derain.pipeline.serve;

import io.derain.models.SettingsException;
import io.derain.operators.derain.Precision;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code derain serve} runs: one model for all cameras, how they are batched, and the cameras. Read from
 * the cameras file by {@link ServeConfigFile}; immutable.
 *
 * @param model   a bundled model's name or a weights file, as {@code run --model} / {@code --weights} take it
 * @param batch   frames of different cameras inferred together at most
 * @param maxWait how long a partial batch waits for more cameras
 * @param cameras the cameras, ids unique
 * @param precision the model's arithmetic ({@link Precision#AUTO}: the hardware's native one)
 */
public record ServeConfig(String model, int batch, Duration maxWait, List<CameraConfig> cameras, Precision precision) {
    public ServeConfig {
        if (model == null || model.isBlank()) throw new SettingsException("model: missing");
        java.util.Objects.requireNonNull(precision, "precision");
        if (batch < 1 || batch > 64) throw new SettingsException("batch: must be between 1 and 64, got " + batch);
        if (maxWait == null || maxWait.isNegative()) throw new SettingsException("max-wait: must not be negative");
        cameras = List.copyOf(cameras);
        Set<String> ids = new HashSet<>();
        for (CameraConfig c : cameras) {
            if (!ids.add(c.id())) throw new SettingsException("cameras: the id '" + c.id() + "' is used twice");
        }
    }
}
