package io.derain.pipeline.kafka;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KafkaFrameSource} reads one camera. Build with {@link #of} and adjust with {@code with...}.
 *
 * @param client            cluster, topic and client properties
 * @param camera            the record key of the camera to read
 * @param follow            false: read up to the end offsets taken when opening (like a file); true: keep
 *                          reading new records until woken
 * @param connectTimeout    how long opening may wait for the cluster to answer
 * @param firstFrameTimeout following: how long opening waits for the camera's first record
 * @param stallTimeout      not following: a broker that sends nothing for this long, short of the end, fails
 *                          the read
 * @param maxSide           the largest width or height accepted; larger records are rejected
 * @param group             a consumer group to resume from: reading starts after the group's committed offset
 *                          of the camera's partition, and what the sink reports durable is committed; null
 *                          reads from the beginning and commits nothing
 */
public record KafkaSourceSettings(KafkaClientConfig client, String camera, boolean follow, Duration connectTimeout,
                                  Duration firstFrameTimeout, Duration stallTimeout, int maxSide, String group) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_FIRST_FRAME_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    public KafkaSourceSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(camera, "camera");
        if (camera.isEmpty()) throw new SettingsException("camera id must not be empty");
        for (Duration d : new Duration[] {connectTimeout, firstFrameTimeout, stallTimeout}) {
            if (d.toMillis() < 100) throw new SettingsException("Kafka source timeouts must be at least 100 ms, got " + d);
        }
        if (maxSide < 1) throw new SettingsException("largest frame side must be positive");
        if (group != null && group.isBlank()) throw new SettingsException("consumer group must not be blank");
    }

    /** A finite read of {@code camera}, with the default timeouts and size limit. */
    public static KafkaSourceSettings of(KafkaClientConfig client, String camera) {
        return new KafkaSourceSettings(client, camera, false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_FRAME_TIMEOUT,
                DEFAULT_STALL_TIMEOUT, FrameRecordCodec.DEFAULT_MAX_SIDE, null);
    }

    public KafkaSourceSettings withFollow(boolean f) {
        return new KafkaSourceSettings(client, camera, f, connectTimeout, firstFrameTimeout, stallTimeout, maxSide, group);
    }

    public KafkaSourceSettings withConnectTimeout(Duration t) {
        return new KafkaSourceSettings(client, camera, follow, t, firstFrameTimeout, stallTimeout, maxSide, group);
    }

    public KafkaSourceSettings withFirstFrameTimeout(Duration t) {
        return new KafkaSourceSettings(client, camera, follow, connectTimeout, t, stallTimeout, maxSide, group);
    }

    public KafkaSourceSettings withStallTimeout(Duration t) {
        return new KafkaSourceSettings(client, camera, follow, connectTimeout, firstFrameTimeout, t, maxSide, group);
    }

    public KafkaSourceSettings withMaxSide(int side) {
        return new KafkaSourceSettings(client, camera, follow, connectTimeout, firstFrameTimeout, stallTimeout, side, group);
    }

    public KafkaSourceSettings withGroup(String g) {
        return new KafkaSourceSettings(client, camera, follow, connectTimeout, firstFrameTimeout, stallTimeout, maxSide, g);
    }
}
