package io.derain.pipeline.kafka;

import io.derain.pipeline.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A topic on a cluster, as users write it: {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC}. The hosts are the
 * bootstrap servers (any of the cluster's brokers; the client learns the rest). IPv6 hosts go in brackets.
 *
 * @param bootstrap the {@code host:port} pairs, in the order given
 * @param topic     the topic's name
 */
public record KafkaUrl(List<String> bootstrap, String topic) {
    public static final String SCHEME = "kafka://";
    /** Kafka's own rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9._-]+|\\[[0-9a-fA-F:.]+\\]");

    public KafkaUrl {
        bootstrap = List.copyOf(bootstrap);
    }

    /** Whether {@code input} is meant as a Kafka URL (whether or not it is a valid one). */
    public static boolean isKafkaUrl(String input) {
        return input != null && input.toLowerCase(Locale.ROOT).startsWith(SCHEME);
    }

    /** Parses a URL; a malformed one is an {@link InputException} that quotes it and says what is wrong. */
    public static KafkaUrl parse(String url) {
        if (!isKafkaUrl(url)) throw bad(url, "expected " + SCHEME + "HOST:PORT/TOPIC");
        String rest = url.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) throw bad(url, "no topic (expected " + SCHEME + "HOST:PORT/TOPIC)");
        String hosts = rest.substring(0, slash);
        String topic = rest.substring(slash + 1);
        if (hosts.isEmpty()) throw bad(url, "no broker address before the topic");
        if (topic.isEmpty()) throw bad(url, "no topic after the broker address");
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw bad(url, "'" + topic + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        List<String> servers = new ArrayList<>();
        for (String server : hosts.split(",", -1)) servers.add(checkedServer(url, server));
        return new KafkaUrl(servers, topic);
    }

    /** The {@code bootstrap.servers} client setting. */
    public String bootstrapServers() { return String.join(",", bootstrap); }

    /** The same cluster, another topic (a worker's output or dead-letter topic on its input's cluster). */
    public KafkaUrl withTopic(String other) {
        return parse(SCHEME + bootstrapServers() + "/" + other);
    }

    @Override
    public String toString() { return SCHEME + bootstrapServers() + "/" + topic; }

    private static String checkedServer(String url, String server) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0) throw bad(url, "'" + server + "' has no port (expected HOST:PORT)");
        String host = server.substring(0, colon);
        String port = server.substring(colon + 1);
        if (!HOST.matcher(host).matches()) throw bad(url, "'" + host + "' is not a host name or address");
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(url, "'" + port + "' is not a port number");
        }
        if (number < 1 || number > 65535) throw bad(url, "port " + number + " is out of range (1-65535)");
        return host + ":" + number;
    }

    private static InputException bad(String url, String problem) {
        return new InputException(url + ": not a Kafka URL: " + problem);
    }
}
