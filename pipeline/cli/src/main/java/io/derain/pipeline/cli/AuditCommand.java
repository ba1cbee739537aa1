package io.derain.pipeline.cli;

import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaSourceSettings;
import io.derain.pipeline.kafka.TopicCheck;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.kafka.audit.CameraAudit;
import io.derain.pipeline.kafka.audit.TopicAudit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code derain audit IN OUT}: did the workers derain every input frame exactly once, in order, and how late? */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Checks a derained topic against its input topic (both read read_committed, to their ends now): "
                + "per camera, input frames lost (neither derained nor dead-lettered), derained twice, out of order, and "
                + "the capture -> derained latency. Run it with the workers caught up.",
                "Exit 0: nothing lost, repeated or reordered; 4: the audit found some; 2: bad input."})
final class AuditCommand implements Callable<Integer> {
    /** The exit code of an audit that found loss, duplicates or reordering. */
    static final int FOUND = 4;

    @Parameters(index = "0", paramLabel = "kafka://HOST:PORT/INPUT", description = "The topic the workers read.")
    String input;

    @Parameters(index = "1", paramLabel = "kafka://HOST:PORT/OUTPUT", description = "The topic they derained into (same cluster).")
    String output;

    @Option(names = "--dlq", paramLabel = "TOPIC", description = "The workers' dead-letter topic: its records are not lost.")
    String dlq;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties passed through (TLS, SASL, ...).")
    Path kafkaConfig;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long reading each topic may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KafkaUrl in = url(input), out = url(output);
        if (!in.bootstrapServers().equals(out.bootstrapServers())) {
            throw new ParameterException(spec.commandLine(), output + ": must be on the input's cluster (" + in.bootstrapServers() + ")");
        }
        KafkaClientConfig client = kafkaConfig == null ? KafkaClientConfig.of(in) : KafkaClientConfig.of(in, kafkaConfig);
        // A missing broker or topic within the connect timeout, as run and worker say it, not after a read timeout.
        TopicCheck.describe(client, KafkaSourceSettings.DEFAULT_CONNECT_TIMEOUT, false);
        TopicCheck.describe(client.forTopic(out.topic()), KafkaSourceSettings.DEFAULT_CONNECT_TIMEOUT, false);
        TopicAudit.Report report = TopicAudit.run(client, out.topic(), dlq, timeout);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("derain audit: %s -> %s%s%n", report.input(), report.output(), dlq == null ? "" : " (dead letters: " + dlq + ")");
        long lost = 0, duplicates = 0, reordered = 0;
        for (CameraAudit c : report.cameras()) {
            String latency = c.latency().count() == 0 ? "latency n/a (no capture times: a file)"
                    : String.format(Locale.ROOT, "latency p50 %.2f s  p99 %.2f s  max %.2f s", c.latency().p50(),
                            c.latency().p99(), c.latency().max());
            w.printf(Locale.ROOT, "  %-12s input %7d  derained %7d  dead-lettered %5d  lost %5d  duplicates %5d  out of order %5d  %s%n",
                    c.camera(), c.inputRecords(), c.derived(), c.deadLettered(), c.lost(), c.duplicates(), c.outOfOrder(), latency);
            lost += c.lost();
            duplicates += c.duplicates();
            reordered += c.outOfOrder();
        }
        w.printf("derain audit: %s: %d cameras, lost %d, duplicates %d, out of order %d, derained records without "
                        + "derain.source %d, from input written after the read %d%n",
                report.clean() ? "clean" : "FOUND PROBLEMS", report.cameras().size(), lost, duplicates, reordered,
                report.unsourced(), report.beyondInput());
        w.flush();
        return report.clean() ? 0 : FOUND;
    }

    private KafkaUrl url(String text) {
        if (!KafkaUrl.isKafkaUrl(text)) throw new ParameterException(spec.commandLine(), "expected kafka://HOST:PORT/TOPIC, got '" + text + "'");
        return KafkaUrl.parse(text);
    }
}
