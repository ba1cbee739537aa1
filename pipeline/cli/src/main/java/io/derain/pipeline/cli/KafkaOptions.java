package io.derain.pipeline.cli;

import io.derain.pipeline.kafka.FrameEncoding;
import io.derain.pipeline.kafka.ImageCodec;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaUrl;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code derain run} options for kafka:// inputs and outputs. */
final class KafkaOptions {
    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties passed through (TLS, SASL, ...); secrets are never printed.")
    Path config;

    @Option(names = "--follow",
            description = "kafka:// input: keep reading new frames (default: read up to the end offsets at start, like a file).")
    boolean follow;

    @Option(names = "--first-frame-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "kafka:// input with --follow: how long to wait for the camera's first frame before exit 2 "
                    + "(default: ${DEFAULT-VALUE}; e.g. 1h for a recorder started before its camera).")
    java.time.Duration firstFrameTimeout;

    @Option(names = "--group", paramLabel = "G",
            description = "kafka:// input: a consumer group that remembers how far this reader got. Reading resumes "
                    + "after the frames the output had made durable (for --segment, its closed segments), so a "
                    + "restarted recorder neither replays the topic nor skips a frame (default: none; read from "
                    + "the beginning).")
    String group;

    @Option(names = "--codec", paramLabel = "jpeg|png", defaultValue = "jpeg",
            description = "kafka:// output: frame encoding, JPEG quality 95 or lossless PNG (default: ${DEFAULT-VALUE}).")
    String codec;

    KafkaClientConfig client(String url) {
        return config == null ? KafkaClientConfig.of(KafkaUrl.parse(url)) : KafkaClientConfig.of(KafkaUrl.parse(url), config);
    }

    FrameEncoding encoding(picocli.CommandLine cli) {
        return encoding(codec, cli);
    }

    /** {@code --codec jpeg|png} as an encoding; shared with {@code derain worker}. */
    static FrameEncoding encoding(String codec, picocli.CommandLine cli) {
        return switch (codec.toLowerCase(java.util.Locale.ROOT)) {
            case "jpeg", "jpg" -> FrameEncoding.DEFAULT;
            case "png" -> FrameEncoding.of(ImageCodec.PNG);
            default -> throw new picocli.CommandLine.ParameterException(cli, "--codec: expected jpeg or png, got '" + codec + "'");
        };
    }
}
