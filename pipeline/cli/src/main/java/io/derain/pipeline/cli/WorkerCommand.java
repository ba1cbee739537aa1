package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.FrameEncoding;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.kafka.ModelStamp;
import io.derain.pipeline.kafka.worker.FrameWorker;
import io.derain.pipeline.kafka.worker.WorkerSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code derain worker --in kafka://... --out kafka://... --group G}: an exactly-once consumer-group worker. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Derains frame records from one Kafka topic into another, exactly once, as a member of a "
                + "consumer group: start more workers with the same --group to share the input's partitions.",
                "Each batch's derained records and the consumed offsets are committed in one transaction, so readers "
                        + "with isolation.level=read_committed see every input frame once, in each camera's order, "
                        + "also after a worker is killed and another takes over.",
                "Records that are not frames go to --dlq (with the reason in the derain.error header) or are "
                        + "counted and skipped. SIGTERM or Ctrl-C commits the transaction in progress and exits."})
final class WorkerCommand implements Callable<Integer> {
    /** How long a stop may take (finishing the batch in inference and committing) before the JVM exits anyway. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Option(names = "--in", required = true, paramLabel = "kafka://HOST:PORT/TOPIC", description = "The topic to read frames from.")
    String in;

    @Option(names = "--out", required = true, paramLabel = "kafka://HOST:PORT/TOPIC",
            description = "The topic derained frames go to (on the same cluster as --in).")
    String out;

    @Option(names = "--group", required = true, paramLabel = "G", description = "The consumer group to join.")
    String group;

    @Option(names = "--dlq", paramLabel = "TOPIC",
            description = "Dead-letter topic for records that are not frames (default: count and skip them).")
    String dlq;

    @Option(names = "--max-wait", paramLabel = "DURATION", defaultValue = "200ms", converter = DurationConverter.class,
            description = "How long a partial batch waits for more records (default: ${DEFAULT-VALUE}).")
    Duration maxWait;

    @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "0ms", converter = DurationConverter.class,
            description = "Keep a transaction open across batches for up to DURATION (default: one transaction per batch).")
    Duration commitInterval;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Exit (0, everything committed) after this long without a record, e.g. to work off a backlog; "
                    + "default: run until stopped.")
    Duration idleTimeout;

    @Option(names = "--instance", paramLabel = "ID",
            description = "This worker's stable id within the group (part of its transactional.id; a restarted worker "
                    + "with the same id fences its predecessor and aborts its open transaction at once). Default: random.")
    String instance;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties passed through (TLS, SASL, ...); secrets are never printed.")
    Path kafkaConfig;

    @Option(names = "--codec", paramLabel = "jpeg|png", defaultValue = "jpeg",
            description = "Encoding of derained frames: JPEG quality 95 or lossless PNG (default: ${DEFAULT-VALUE}).")
    String codec;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = {"-q", "--quiet"}, description = "No messages but errors.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        metricsOptions.validate(spec.commandLine());
        WorkerSettings settings = settings();
        CountDownLatch done = new CountDownLatch(1);
        try (FrameOperator operator = openOperator()) {
            try (FrameWorker worker = FrameWorker.open(settings, operator);
                 io.derain.pipeline.metrics.MetricsServer metrics = startMetrics()) {
                if (metrics != null) {
                    new io.derain.pipeline.metrics.WorkerMetrics(worker.stats()).bindTo(metrics.registry());
                    io.derain.pipeline.kafka.ModelStamp stamp = modelOptions.stamp();
                    metrics.buildInfo(Version.number(), stamp.name(), stamp.weights());
                    if (!quiet) say("derain worker: metrics at " + metrics.url());
                }
                Thread hook = new Thread(() -> {
                    worker.stop();
                    try {
                        done.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS); // the loop commits and closes
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "derain-worker-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    if (!quiet) {
                        say("derain worker: " + settings.input() + " -> " + settings.output() + ", group " + group
                                + ", transactional.id " + settings.transactionalId()
                                + (dlq != null ? ", dead letters to " + dlq : ""));
                    }
                    worker.run(); // inference on this thread: the operator's
                    if (!quiet) say("derain worker: stopped: " + worker.stats());
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs: it returns once done is counted down
                    }
                }
            }
        } finally {
            done.countDown();
        }
        return 0;
    }

    private WorkerSettings settings() {
        if (!KafkaUrl.isKafkaUrl(in)) throw new ParameterException(spec.commandLine(), "--in: expected kafka://HOST:PORT/TOPIC, got '" + in + "'");
        if (!KafkaUrl.isKafkaUrl(out)) throw new ParameterException(spec.commandLine(), "--out: expected kafka://HOST:PORT/TOPIC, got '" + out + "'");
        KafkaUrl input = KafkaUrl.parse(in);
        KafkaUrl output = KafkaUrl.parse(out);
        KafkaClientConfig client = kafkaConfig == null ? KafkaClientConfig.of(input) : KafkaClientConfig.of(input, kafkaConfig);
        if (compute.batch < 1) throw new SettingsException("--batch must be at least 1");
        if (maxWait.isNegative()) throw new SettingsException("--max-wait must not be negative");
        FrameEncoding encoding = KafkaOptions.encoding(codec, spec.commandLine());
        ModelStamp model = modelOptions.stamp();
        try {
            return WorkerSettings.of(client, output, group)
                    .withDlq(dlq)
                    .withBatch(compute.batch, maxWait)
                    .withCommitInterval(commitInterval)
                    .withInstanceId(instance != null ? instance : defaultInstance())
                    .withEncoding(encoding)
                    .withModel(model)
                    .withIdleTimeout(idleTimeout);
        } catch (SettingsException e) {
            throw new InputException(e.getMessage(), e);
        }
    }

    /** The derain operator; {@code --model none} passes frames through (for trying the pipeline without a model). */
    private FrameOperator openOperator() {
        if (modelOptions.isNone()) return new io.derain.pipeline.runtime.IdentityOperator(compute.batch);
        DerainOperator operator = modelOptions.openOperator(compute);
        if (!quiet) say("derain: " + operator.describe());
        return operator;
    }

    private static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9._-]", "_");
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
    }

    /** Every series labelled with the group, so that a fleet's workers stay apart by scrape instance. */
    private io.derain.pipeline.metrics.MetricsServer startMetrics() {
        return metricsOptions.start("group", group);
    }

    private void say(String line) {
        spec.commandLine().getErr().println(line);
        spec.commandLine().getErr().flush();
    }
}
