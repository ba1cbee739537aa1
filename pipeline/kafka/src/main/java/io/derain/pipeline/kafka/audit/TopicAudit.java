package io.derain.pipeline.kafka.audit;

import io.derain.pipeline.kafka.FrameHeaders;
import io.derain.pipeline.kafka.KafkaClientConfig;
import io.derain.pipeline.kafka.KafkaPosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Checks what a fleet of workers did: reads the input topic, the derained topic and (optionally) the
 * dead-letter topic {@code read_committed}, follows each derained record's {@code derain.source} back to its
 * input record, and reports per camera what was lost, derained twice or out of order, and the capture →
 * derained latency (the derained record's timestamp minus {@code derain.capture.us}). Meant for a quiet
 * moment (ingest stopped, workers caught up): an input record not derained yet counts as lost.
 */
public final class TopicAudit {
    private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
    private final Map<String, Integer> cameraIndex = new HashMap<>();
    /** Per camera, by the index the ledgers hold. */
    private final List<Tally> cameras = new ArrayList<>();
    private long unsourced;
    private long beyondInput;

    /** The audit's findings. {@code unsourced}: derained records without a readable {@code derain.source}. */
    public record Report(String input, String output, List<CameraAudit> cameras, long unsourced, long beyondInput) {
        public boolean clean() { return unsourced == 0 && cameras.stream().allMatch(CameraAudit::clean); }
    }

    /** What the derained records said of one camera. */
    private static final class Tally {
        final String camera;
        long duplicates;
        long outOfOrder;
        long lastSourceOffset = -1;
        long[] latencyMillis = new long[64];
        int latencies;

        Tally(String camera) { this.camera = camera; }

        void latency(long millis) {
            if (latencies == latencyMillis.length) latencyMillis = Arrays.copyOf(latencyMillis, 2 * latencies);
            latencyMillis[latencies++] = millis;
        }
    }

    private TopicAudit() {}

    /**
     * Reads the three topics (input, then output, then dead letters; each bounded by {@code timeout}).
     * {@code dlqTopic} may be null.
     */
    public static Report run(KafkaClientConfig input, String outputTopic, String dlqTopic, Duration timeout) throws IOException {
        Objects.requireNonNull(outputTopic, "outputTopic");
        TopicAudit audit = new TopicAudit();
        TopicReader.readAll(input, timeout, false, audit::input);
        TopicReader.readAll(input.forTopic(outputTopic), timeout, false, audit::output);
        if (dlqTopic != null) TopicReader.readAll(input.forTopic(dlqTopic), timeout, true, audit::deadLetter); // none yet: no poison
        return audit.report(input.url().toString(), input.forTopic(outputTopic).url().toString());
    }

    private void input(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        ledgers.computeIfAbsent(tp, k -> new PartitionLedger(r.offset())).record(r.offset(), camera(r.key()));
    }

    private void output(ConsumerRecord<byte[], byte[]> r) {
        KafkaPosition from = source(r);
        if (from == null) {
            unsourced++;
            return;
        }
        PartitionLedger ledger = ledgers.get(from.topicPartition());
        int camera = ledger == null ? -1 : ledger.camera(from.offset());
        if (camera < 0) {
            beyondInput++; // produced from input written after the input was read, or from another topic
            return;
        }
        Tally tally = cameras.get(camera);
        if (!ledger.derive(from.offset())) tally.duplicates++;
        if (from.offset() < tally.lastSourceOffset) tally.outOfOrder++;
        tally.lastSourceOffset = from.offset();
        Header capture = r.headers().lastHeader(FrameHeaders.CAPTURE);
        if (capture != null) {
            try {
                long captureMillis = Long.parseLong(new String(capture.value(), StandardCharsets.UTF_8)) / 1000;
                tally.latency(r.timestamp() - captureMillis);
            } catch (NumberFormatException ignored) {
                // not a time: no latency for this record
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r) {
        KafkaPosition from = source(r);
        if (from == null) return;
        PartitionLedger ledger = ledgers.get(from.topicPartition());
        if (ledger != null && ledger.camera(from.offset()) >= 0) ledger.deadLetter(from.offset());
    }

    private static KafkaPosition source(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(FrameHeaders.SOURCE);
        if (h == null) return null;
        try {
            return KafkaPosition.parse(new String(h.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private int camera(byte[] key) {
        String name = key == null ? "(no key)" : new String(key, StandardCharsets.UTF_8);
        return cameraIndex.computeIfAbsent(name, n -> {
            cameras.add(new Tally(n));
            return cameras.size() - 1;
        });
    }

    private Report report(String input, String output) {
        int n = cameras.size();
        long[] in = new long[n], derived = new long[n], dead = new long[n], lost = new long[n];
        for (PartitionLedger l : ledgers.values()) l.tally(in, derived, dead, lost);
        List<CameraAudit> list = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            Tally t = cameras.get(c);
            list.add(new CameraAudit(t.camera, in[c], derived[c], dead[c], lost[c], t.duplicates, t.outOfOrder,
                    LatencySummary.of(t.latencyMillis, t.latencies)));
        }
        list.sort(java.util.Comparator.comparing(CameraAudit::camera));
        return new Report(input, output, List.copyOf(list), unsourced, beyondInput);
    }
}
