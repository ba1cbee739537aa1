package io.derain.pipeline.cli;

import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.FrameEncoding;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaFrameSink;
import io.derain.pipeline.kafka.KafkaSinkSettings;
import io.derain.pipeline.kafka.KafkaUrl;
import io.derain.pipeline.kafka.ModelStamp;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.ReconnectPolicy;
import io.derain.pipeline.live.StreamPublishSink;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SegmentedVideoSink;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Opens the sink an OUTPUT argument names: a Kafka topic, a stream URL to publish to, rolling segments, or a
 * file or directory.
 */
final class Outputs {
    private Outputs() {}

    /** What a Kafka output needs beyond the path: its client, the camera key, the encoding and the model. */
    record KafkaTarget(KafkaClientConfig client, String camera, FrameEncoding encoding, ModelStamp model) {}

    static FrameSink open(String output, Duration segment, SourceInfo info, boolean overwrite, ReconnectPolicy reconnect,
                          Consumer<String> events, java.util.function.Supplier<KafkaTarget> kafka) throws IOException {
        if (KafkaUrl.isKafkaUrl(output)) {
            if (segment != null) throw new InputException(output + ": --segment records files, not a topic");
            KafkaTarget t = kafka.get();
            return KafkaFrameSink.open(KafkaSinkSettings.of(t.client()).withCamera(t.camera())
                    .withEncoding(t.encoding()).withModel(t.model()));
        }
        if (CameraSettings.isStreamUrl(output)) {
            if (segment != null) throw new InputException(output + ": --segment records files, not a stream");
            if (info.frameRate() <= 0) throw new InputException(output + ": still images cannot be streamed");
            try {
                return new StreamPublishSink(output, info, reconnect, events);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage(), e);
            }
        }
        Path path = Path.of(output);
        if (segment != null) {
            if (info.frameRate() <= 0) throw new InputException(output + ": still images cannot be recorded in segments");
            return SegmentedVideoSink.open(path, segment, info, overwrite);
        }
        return Sinks.open(path, info, overwrite);
    }
}
