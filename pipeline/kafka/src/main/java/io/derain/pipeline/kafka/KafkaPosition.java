package io.derain.pipeline.kafka;

import io.derain.operators.frame.SourcePosition;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a frame's record sits in Kafka. Written as {@code topic-partition@offset} ({@code frames-3@1042}),
 * the form of the {@code derain.source} header and of reject messages.
 */
public record KafkaPosition(String topic, int partition, long offset) implements SourcePosition {

    public KafkaPosition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0 || offset < 0) throw new IllegalArgumentException("partition and offset must not be negative");
    }

    public TopicPartition topicPartition() { return new TopicPartition(topic, partition); }

    /** Reads {@code topic-partition@offset}; topics may contain '-', the partition is after the last one. */
    public static KafkaPosition parse(String text) {
        int at = text.lastIndexOf('@');
        int dash = at < 0 ? -1 : text.lastIndexOf('-', at);
        if (dash <= 0) throw new IllegalArgumentException("not topic-partition@offset: " + text);
        try {
            return new KafkaPosition(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1, at)),
                    Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not topic-partition@offset: " + text, e);
        }
    }

    @Override
    public String describe() { return topic + "-" + partition + "@" + offset; }

    @Override
    public String toString() { return describe(); }
}
