package io.derain.pipeline.kafka;

import io.derain.pipeline.InputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How to reach one cluster: the {@link KafkaUrl} plus the user's client properties (TLS, SASL, tuning),
 * passed through to Kafka's clients. Each client gets the properties it knows, then the settings derain's
 * guarantees rest on ({@code acks=all}, {@code read_committed}, ...), which a file may repeat but not contradict.
 *
 * <p>Secrets never leave this object in text: {@link #toString()} and {@link #describe} mask the value of
 * every key that looks like a credential.
 */
public final class KafkaClientConfig {
    /** Key fragments whose values are credentials (ssl.key.password, sasl.jaas.config, ...). */
    private static final Pattern SECRET = Pattern.compile("password|secret|sasl\\.jaas\\.config|token|key",
            Pattern.CASE_INSENSITIVE);
    static final String MASK = "****";

    private final KafkaUrl url;
    private final Map<String, String> properties; // sorted, for stable messages
    private final String origin;                  // the file they came from, or null

    private KafkaClientConfig(KafkaUrl url, Map<String, String> properties, String origin) {
        this.url = url;
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.origin = origin;
    }

    /** The cluster of {@code url} with Kafka's default client settings (plaintext, no authentication). */
    public static KafkaClientConfig of(KafkaUrl url) {
        return new KafkaClientConfig(url, Map.of(), null);
    }

    /** With the client properties of {@code file} (Java properties format); a bad file is an InputException. */
    public static KafkaClientConfig of(KafkaUrl url, Path file) {
        Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(in);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": Kafka client properties not found");
        } catch (IOException | IllegalArgumentException e) {
            throw new InputException(file + ": cannot read Kafka client properties: " + e.getMessage(), e);
        }
        Map<String, String> map = new TreeMap<>();
        for (String key : loaded.stringPropertyNames()) map.put(key.trim(), loaded.getProperty(key).trim());
        String servers = map.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers != null && !servers.replace(" ", "").equals(url.bootstrapServers())) {
            throw new InputException(file + ": bootstrap.servers=" + servers + " contradicts " + url
                    + " (the URL names the cluster; remove it from the file)");
        }
        return new KafkaClientConfig(url, map, file.toString());
    }

    public KafkaUrl url() { return url; }

    /** The same cluster and client properties for another topic. */
    public KafkaClientConfig forTopic(String topic) {
        return new KafkaClientConfig(url.withTopic(topic), properties, origin);
    }

    /** One more client property (tuning from code, tests); it counts as the user's. */
    public KafkaClientConfig with(String key, String value) {
        Map<String, String> more = new TreeMap<>(properties);
        more.put(key, value);
        return new KafkaClientConfig(url, more, origin);
    }

    /** Where the client properties came from, for messages about them: the file, else the URL. */
    String origin() { return origin != null ? origin : url.toString(); }

    /** The user's value of a client property, or null. */
    public String property(String key) { return properties.get(key); }

    /** Producer properties: ours, then the user's producer settings, then {@code required}. */
    public Properties producer(Map<String, String> defaults, Map<String, String> required) {
        return build(ProducerConfig.configNames(), defaults, required);
    }

    /** Consumer properties: ours, then the user's consumer settings, then {@code required}. */
    public Properties consumer(Map<String, String> defaults, Map<String, String> required) {
        return build(ConsumerConfig.configNames(), defaults, required);
    }

    /** Admin client properties: ours, then the user's admin settings. */
    public Properties admin(Map<String, String> defaults) {
        return build(AdminClientConfig.configNames(), defaults, Map.of());
    }

    /** The properties as text with credentials masked, e.g. {@code {security.protocol=SSL, ssl.key.password=****}}. */
    public static String describe(Map<?, ?> properties) {
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(properties).forEach((k, v) -> {
            if (out.length() > 1) out.append(", ");
            out.append(k).append('=').append(isSecret(String.valueOf(k)) ? MASK : v);
        });
        return out.append('}').toString();
    }

    static boolean isSecret(String key) { return SECRET.matcher(key).find(); }

    @Override
    public String toString() {
        return url + (properties.isEmpty() ? "" : " " + describe(properties))
                + (origin == null ? "" : " (from " + origin + ")");
    }

    private Properties build(Set<String> known, Map<String, String> defaults, Map<String, String> required) {
        Properties out = new Properties();
        out.putAll(defaults);
        // Keys no client knows (typos, plugin settings) go to every client, which warns about them once.
        properties.forEach((k, v) -> {
            if (known.contains(k) || !knownToAnyClient(k)) out.put(k, v);
        });
        required.forEach((k, v) -> {
            String user = properties.get(k);
            if (user != null && !sameSetting(user, v)) {
                throw new InputException(origin() + ": " + k + "="
                        + (isSecret(k) ? MASK : user) + " is not allowed here: derain needs " + k + "=" + v);
            }
            out.put(k, v);
        });
        out.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, url.bootstrapServers());
        return out;
    }

    private static boolean knownToAnyClient(String key) {
        return ProducerConfig.configNames().contains(key) || ConsumerConfig.configNames().contains(key)
                || AdminClientConfig.configNames().contains(key);
    }

    /** acks=-1 is acks=all; booleans and names compare without case. */
    private static boolean sameSetting(String user, String required) {
        String u = user.toLowerCase(Locale.ROOT);
        String r = required.toLowerCase(Locale.ROOT);
        return u.equals(r) || (r.equals("all") && u.equals("-1"));
    }
}
