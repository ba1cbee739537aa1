package io.derain.pipeline.broker;

import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.KafkaClients;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.runtime.Deadline;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster in this JVM: Apache Kafka's own KRaft server, one node that is broker and
 * controller, for trying derain on one machine and for tests. Clients use {@link #bootstrap()}; the
 * controller listens on a private loopback port.
 *
 * <p>The data directory is formatted on first use and reused on later starts, so a restart on the same
 * directory (and port) keeps every topic and record. Internal topics are single-replica (offsets and
 * transaction state with replication factor 1 and min ISR 1), so transactions and consumer groups work on
 * one node. {@link #start} returns once a client is served (or fails within the start timeout);
 * {@link #close()} shuts down cleanly within the close timeout. Owns the server and its threads.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final int NODE_ID = 1;
    private static final String CLIENTS = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";
    private static final String META_PROPERTIES = "meta.properties";

    private final BrokerSettings settings;
    private final KafkaRaftServer server;
    private final String bootstrap;
    private final int port;
    private boolean closed;

    private EmbeddedBroker(BrokerSettings settings, KafkaRaftServer server, String bootstrap, int port) {
        this.settings = settings;
        this.server = server;
        this.bootstrap = bootstrap;
        this.port = port;
    }

    /**
     * Formats the data directory if it is new, starts the server and waits until clients are served.
     *
     * @throws InputException if the port is taken or the directory is not a broker's
     * @throws IOException    if the server fails to start within the start timeout
     */
    public static EmbeddedBroker start(BrokerSettings settings) throws IOException {
        Path dir = settings.dataDir().toAbsolutePath();
        prepare(dir);
        Deadline deadline = Deadline.in(settings.startTimeout());
        for (int attempt = 1; ; attempt++) {
            int port = settings.port() != 0 ? checkedFree(settings.host(), settings.port()) : freePort(settings.host());
            int controllerPort = freePort("127.0.0.1");
            KafkaConfig config = KafkaConfig.fromProps(serverProperties(settings, dir, port, controllerPort), false);
            format(dir, config);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                startWithin(server, deadline);
            } catch (IOException e) {
                // A free port taken by someone else between our probe and the server's bind: pick others.
                if (attempt < 3 && settings.port() == 0 && isBindFailure(e)) continue;
                throw new IOException(settings.host() + ":" + port + ": Kafka broker failed to start: "
                        + KafkaClients.reason(e), e);
            }
            EmbeddedBroker broker = new EmbeddedBroker(settings, server, advertisedHost(settings.host()) + ":" + port, port);
            try {
                broker.awaitClients(deadline);
            } catch (IOException | RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers} (and for {@code kafka://} URLs). */
    public String bootstrap() { return bootstrap; }

    /** The client port. */
    public int port() { return port; }

    public BrokerSettings settings() { return settings; }

    /** A URL of a topic on this broker. */
    public KafkaUrl url(String topic) { return KafkaUrl.parse(KafkaUrl.SCHEME + bootstrap + "/" + topic); }

    /**
     * Creates those of {@code partitions}' topics (name → partition count) that do not exist yet, within
     * {@code timeout}. Topics made up front spare producers the metadata churn of a topic that appears
     * with its first record, and give consumer groups their partitions before the first rebalance.
     */
    public void createTopics(Map<String, Integer> partitions, Duration timeout) throws IOException {
        if (partitions.isEmpty()) return;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "derain-broker-topics");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = partitions.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1)).toList();
            for (var created : admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IOException("topic " + created.getKey() + ": " + KafkaClients.reason(e.getCause()), e);
                    }
                } catch (TimeoutException e) {
                    throw new IOException("topic " + created.getKey() + ": not created within " + timeout.toSeconds() + " s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while creating topic " + created.getKey());
                }
            }
        }
    }

    /** Shuts the server down and waits for it, at most the close timeout (then it is left to finish alone). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Thread stopper = new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "derain-broker-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(Math.max(1, settings.closeTimeout().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.warn("Kafka broker at {} did not shut down within {} s; leaving it to finish", bootstrap,
                    settings.closeTimeout().toSeconds());
        }
    }

    static Properties serverProperties(BrokerSettings s, Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("controller.listener.names", CONTROLLER),
                Map.entry("listeners", CLIENTS + "://" + s.host() + ":" + port + "," + CONTROLLER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", CLIENTS + "://" + advertisedHost(s.host()) + ":" + port),
                Map.entry("listener.security.protocol.map", CLIENTS + ":PLAINTEXT," + CONTROLLER + ":PLAINTEXT"),
                Map.entry("inter.broker.listener.name", CLIENTS),
                Map.entry("log.dirs", dir.toString()),
                Map.entry("auto.create.topics.enable", Boolean.toString(s.autoCreateTopics())),
                Map.entry("num.partitions", Integer.toString(s.defaultPartitions())),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                // One node: internal topics with one replica, or groups and transactions never start.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                // Nobody else will join: do not hold a new group's first rebalance back.
                Map.entry("group.initial.rebalance.delay.ms", "0")));
        return p;
    }

    private static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(dir + ": cannot create the broker's data directory: " + KafkaClients.reason(e), e);
        }
        if (Files.exists(dir.resolve(META_PROPERTIES))) return;
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new InputException(dir + ": not empty and not a Kafka data directory (no " + META_PROPERTIES
                        + "); give an empty or new directory");
            }
        } catch (IOException e) {
            throw new InputException(dir + ": cannot read the broker's data directory: " + KafkaClients.reason(e), e);
        }
    }

    /** Formats a new data directory as a one-node cluster with a fresh cluster id; leaves a formatted one alone. */
    private static void format(Path dir, KafkaConfig config) throws IOException {
        if (Files.exists(dir.resolve(META_PROPERTIES))) return;
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IOException(dir + ": cannot format the broker's data directory: " + KafkaClients.reason(e), e);
        }
    }

    /** Runs the server's startup on a thread of its own so that it has a deadline. */
    private static void startWithin(KafkaRaftServer server, Deadline deadline) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                server.startup();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "derain-broker-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join(deadline.remainingMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownQuietly(server);
            throw new InterruptedIOException("interrupted while the Kafka broker started");
        }
        if (starter.isAlive()) {
            shutdownQuietly(server);
            throw new IOException("not started within the start timeout");
        }
        if (failure.get() != null) {
            shutdownQuietly(server);
            throw new IOException(KafkaClients.reason(failure.get()), failure.get());
        }
    }

    /** Waits until an admin client sees this broker: then producers and consumers are served too. */
    private void awaitClients(Deadline deadline) throws IOException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "derain-broker-check");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                long left = deadline.remainingMillis(0);
                if (left <= 0) throw new IOException(bootstrap + ": Kafka broker started but serves no clients");
                try {
                    int wait = (int) Math.min(left, 5000);
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(wait)).nodes()
                            .get(wait + 1000L, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the Kafka broker");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the Kafka broker");
                }
            }
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
        } catch (RuntimeException e) {
            LOG.debug("shutting down a broker that did not start", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** Clients cannot connect to a wildcard address: advertise the machine's name instead. */
    private static String advertisedHost(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) return host;
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindHost(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InputException(host + ": cannot listen on this address: " + KafkaClients.reason(e), e);
        }
    }

    /** The given port, if nothing listens on it; else a one-line InputException. */
    private static int checkedFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindHost(host), port));
            return port;
        } catch (IOException e) {
            throw new InputException(host + ":" + port + ": cannot listen: " + KafkaClients.reason(e), e);
        }
    }

    private static String bindHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
