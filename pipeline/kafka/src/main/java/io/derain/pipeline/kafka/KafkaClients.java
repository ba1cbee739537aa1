package io.derain.pipeline.kafka;

import io.derain.pipeline.InputException;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * Creates Kafka's clients, turning a bad client setting (a typo in the user's properties, a missing trust
 * store) into an {@link InputException} that names where the settings came from.
 */
public final class KafkaClients {
    private KafkaClients() {}

    public static KafkaProducer<byte[], byte[]> producer(Properties props, KafkaClientConfig config) {
        try {
            return new KafkaProducer<>(props);
        } catch (KafkaException e) {
            throw badSettings(config, e);
        }
    }

    public static KafkaConsumer<byte[], byte[]> consumer(Properties props, KafkaClientConfig config) {
        try {
            return new KafkaConsumer<>(props);
        } catch (KafkaException e) {
            throw badSettings(config, e);
        }
    }

    static Admin admin(Properties props, KafkaClientConfig config) {
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            throw badSettings(config, e);
        }
    }

    /** The deepest message of a failure, on one line. */
    public static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static InputException badSettings(KafkaClientConfig config, KafkaException e) {
        return new InputException(config.origin() + ": bad Kafka client settings: " + reason(e), e);
    }
}
