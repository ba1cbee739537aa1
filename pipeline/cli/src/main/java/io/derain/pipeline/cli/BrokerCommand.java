package io.derain.pipeline.cli;

import io.derain.pipeline.InputException;
import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code derain broker}: a single-node Kafka broker (KRaft, Apache Kafka's own server) in this process, for
 * trying derain's Kafka commands on one machine and for the tests. Runs until SIGTERM or Ctrl-C.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a single-node Kafka broker (KRaft mode, Apache Kafka's own server) until SIGTERM or Ctrl-C.",
                "Prints 'derain broker: listening on HOST:PORT' once clients can connect. Topics given with --topic are "
                        + "created first, others on first use. Production points kafka:// URLs at a real cluster instead."})
final class BrokerCommand implements Callable<Integer> {
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Address clients connect to (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "The broker's data directory: formatted on first use, its topics kept across restarts.")
    Path data;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of a topic created on first use (default: ${DEFAULT-VALUE}): workers in one "
                    + "group share at most this many.")
    int partitions;

    @Option(names = "--topic", paramLabel = "NAME[:PARTITIONS]",
            description = "A topic to create at start if it does not exist, with --partitions partitions unless "
                    + "given (repeatable). Creating the fleet's topics up front gives every worker its "
                    + "partitions at the first rebalance.")
    List<String> topics = List.of();

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> create = topicPartitions();
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new InputException("--listen " + listen + ": expected HOST:PORT");
        }
        if (colon <= 0) throw new InputException("--listen " + listen + ": expected HOST:PORT");
        BrokerSettings settings = BrokerSettings.of(data).withListen(listen.substring(0, colon), port)
                .withDefaultPartitions(partitions);
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            Thread hook = new Thread(() -> {
                broker.close(); // within the broker's close timeout
                stopped.countDown();
            }, "derain-broker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            broker.createTopics(create, TOPIC_TIMEOUT);
            System.err.println("derain broker: listening on " + broker.bootstrap());
            System.err.flush();
            stopped.await();
        }
        return 0;
    }

    private Map<String, Integer> topicPartitions() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (String topic : topics) {
            int colon = topic.lastIndexOf(':');
            String name = colon < 0 ? topic : topic.substring(0, colon);
            int n;
            try {
                n = colon < 0 ? partitions : Integer.parseInt(topic.substring(colon + 1));
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (name.isEmpty() || n < 1) throw new InputException("--topic " + topic + ": expected NAME or NAME:PARTITIONS (PARTITIONS >= 1)");
            result.put(name, n);
        }
        return result;
    }
}
