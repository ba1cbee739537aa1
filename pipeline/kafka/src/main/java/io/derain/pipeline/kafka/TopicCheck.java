package io.derain.pipeline.kafka;

import io.derain.pipeline.InputException;
import io.derain.pipeline.runtime.Deadline;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before a source or sink starts, that a broker answers and the topic exists, within a deadline,
 * so that a wrong address, a missing topic or bad credentials are one line naming the URL (not a client
 * that retries forever in the background).
 */
public final class TopicCheck {
    private TopicCheck() {}

    /**
     * The topic's description; if it does not exist, null when {@code creatable} and the cluster creates
     * topics on first use, else an {@link InputException}.
     */
    public static TopicDescription describe(KafkaClientConfig config, Duration timeout, boolean creatable) throws IOException {
        String ms = Long.toString(Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Admin admin = KafkaClients.admin(config.admin(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "derain-check",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms)), config);
        try {
            Deadline deadline = Deadline.in(timeout);
            int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            Collection<Node> nodes = await(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes(), config, timeout, deadline);
            String topic = config.url().topic();
            try {
                return await(admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                        .allTopicNames(), config, timeout, deadline).get(topic);
            } catch (UnknownTopic e) {
                if (creatable && createsTopics(admin, nodes, timeoutMs)) return null;
                throw new InputException(config.url() + ": topic '" + topic + "' does not exist"
                        + (creatable ? " and the cluster does not create topics on first use" : ""));
            }
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** Whether the broker's auto.create.topics.enable is on; assumed on when we may not ask. */
    private static boolean createsTopics(Admin admin, Collection<Node> nodes, int timeoutMs) {
        if (nodes.isEmpty()) return true;
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        try {
            Config config = admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(timeoutMs))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry entry = config == null ? null : config.get("auto.create.topics.enable");
            return entry == null || entry.value() == null || Boolean.parseBoolean(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return true; // not allowed to ask: the producer will find out, and fail with the broker's reason
        }
    }

    private static <T> T await(KafkaFuture<T> future, KafkaClientConfig config, Duration timeout, Deadline deadline)
            throws IOException {
        long left = deadline.remainingMillis(1);
        try {
            return future.get(left + 1000, TimeUnit.MILLISECONDS); // the request's own timeout fires first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(config.url() + ": interrupted while connecting");
        } catch (java.util.concurrent.TimeoutException e) {
            throw noBroker(config, timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) throw new UnknownTopic();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) throw noBroker(config, timeout);
            if (cause instanceof AuthenticationException) {
                throw new InputException(config.url() + ": authentication failed: " + KafkaClients.reason(cause), cause);
            }
            if (cause instanceof AuthorizationException) {
                throw new InputException(config.url() + ": not authorized: " + KafkaClients.reason(cause), cause);
            }
            throw new InputException(config.url() + ": " + KafkaClients.reason(cause), cause);
        }
    }

    private static InputException noBroker(KafkaClientConfig config, Duration timeout) {
        return new InputException(config.url() + ": no Kafka broker answered at " + config.url().bootstrapServers()
                + " within " + timeout.toSeconds() + " s");
    }

    /** The topic is missing: decided by the caller. */
    private static final class UnknownTopic extends RuntimeException {
        UnknownTopic() { super(null, null, false, false); }
    }
}
