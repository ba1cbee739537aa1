package io.derain.pipeline.broker;

import io.derain.models.SettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link EmbeddedBroker} runs. Build with {@link #of} and adjust with the {@code with...} methods.
 *
 * @param host              the address clients connect to (127.0.0.1 by default; 0.0.0.0 listens everywhere
 *                          and advertises this machine's host name)
 * @param port              the client port, or 0 for a free one chosen at start
 * @param dataDir           where the broker keeps its logs and metadata; formatted on first use, reused after
 * @param autoCreateTopics  whether producing to or asking about an unknown topic creates it
 * @param defaultPartitions partitions of a topic created on first use
 * @param startTimeout      how long starting may take until clients are served
 * @param closeTimeout      how long a clean shutdown may take
 */
public record BrokerSettings(String host, int port, Path dataDir, boolean autoCreateTopics, int defaultPartitions,
                             Duration startTimeout, Duration closeTimeout) {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    public BrokerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        if (host.isBlank()) throw new SettingsException("broker host must not be empty");
        if (port < 0 || port > 65535) throw new SettingsException("broker port must be 0..65535, got " + port);
        if (defaultPartitions < 1) throw new SettingsException("partitions must be at least 1");
        if (startTimeout.toMillis() < 1000) throw new SettingsException("start timeout must be at least 1 s");
        if (closeTimeout.isNegative()) throw new SettingsException("close timeout must not be negative");
    }

    /** 127.0.0.1, a free port, topics created on first use with one partition. */
    public static BrokerSettings of(Path dataDir) {
        return new BrokerSettings("127.0.0.1", 0, dataDir, true, 1, DEFAULT_START_TIMEOUT, DEFAULT_CLOSE_TIMEOUT);
    }

    public BrokerSettings withListen(String h, int p) {
        return new BrokerSettings(h, p, dataDir, autoCreateTopics, defaultPartitions, startTimeout, closeTimeout);
    }

    public BrokerSettings withAutoCreateTopics(boolean on) {
        return new BrokerSettings(host, port, dataDir, on, defaultPartitions, startTimeout, closeTimeout);
    }

    public BrokerSettings withDefaultPartitions(int n) {
        return new BrokerSettings(host, port, dataDir, autoCreateTopics, n, startTimeout, closeTimeout);
    }

    public BrokerSettings withStartTimeout(Duration t) {
        return new BrokerSettings(host, port, dataDir, autoCreateTopics, defaultPartitions, t, closeTimeout);
    }
}
