package io.derain.pipeline.kafka;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KafkaFrameSink} publishes. Build with {@link #of} and adjust with the {@code with...} methods.
 *
 * @param client         cluster, topic and client properties
 * @param camera         the record key for every frame, or null to key each frame by its metadata's camera
 * @param encoding       JPEG (default, quality 95) or PNG
 * @param model          what the model headers say (ModelStamp.NONE for frames published without deraining)
 * @param connectTimeout how long opening may wait for the cluster to answer
 * @param closeTimeout   how long closing may wait for sends in flight after a commit
 */
public record KafkaSinkSettings(KafkaClientConfig client, String camera, FrameEncoding encoding, ModelStamp model,
                                Duration connectTimeout, Duration closeTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    public KafkaSinkSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(model, "model");
        if (camera != null && camera.isEmpty()) throw new SettingsException("camera id must not be empty");
        if (connectTimeout.toMillis() < 100) throw new SettingsException("connect timeout must be at least 100 ms");
        if (closeTimeout.isNegative()) throw new SettingsException("close timeout must not be negative");
    }

    /** JPEG 95, keyed by each frame's camera, no model headers, 15 s to connect. */
    public static KafkaSinkSettings of(KafkaClientConfig client) {
        return new KafkaSinkSettings(client, null, FrameEncoding.DEFAULT, ModelStamp.NONE, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_CLOSE_TIMEOUT);
    }

    public KafkaSinkSettings withCamera(String id) {
        return new KafkaSinkSettings(client, id, encoding, model, connectTimeout, closeTimeout);
    }

    public KafkaSinkSettings withEncoding(FrameEncoding e) {
        return new KafkaSinkSettings(client, camera, e, model, connectTimeout, closeTimeout);
    }

    public KafkaSinkSettings withModel(ModelStamp m) {
        return new KafkaSinkSettings(client, camera, encoding, m, connectTimeout, closeTimeout);
    }

    public KafkaSinkSettings withConnectTimeout(Duration timeout) {
        return new KafkaSinkSettings(client, camera, encoding, model, timeout, closeTimeout);
    }
}
