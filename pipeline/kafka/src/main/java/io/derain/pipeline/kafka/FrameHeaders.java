package io.derain.pipeline.kafka;

import io.derain.operators.frame.FrameMetadata;
import io.derain.operators.frame.VideoFrame;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a frame record, all UTF-8 text so that any language reads them without a schema: integers
 * in decimal, the coverage as a decimal fraction. Values not known are left out.
 *
 * @param ptsMicros     presentation time in the camera's stream, µs ({@code derain.pts.us})
 * @param captureMicros wall-clock capture time, µs since the epoch, or {@link FrameMetadata#UNKNOWN_TIME}
 *                      ({@code derain.capture.us}, absent if unknown)
 * @param width         frame width in pixels ({@code derain.width})
 * @param height        frame height in pixels ({@code derain.height})
 * @param codec         how the value is encoded ({@code derain.codec}: jpeg or png)
 * @param index         the frame's number in its camera's stream, from 0 ({@code derain.index})
 * @param coverage      fraction 0..1 of the frame the raindrop map calls drops, or NaN ({@code derain.coverage})
 * @param model         the model that derained the frame, or null ({@code derain.model})
 * @param weights       digest of that model's weights, or null ({@code derain.weights})
 * @param source        for derained records, the input record as {@code topic-partition@offset}, or null
 *                      ({@code derain.source})
 */
public record FrameHeaders(long ptsMicros, long captureMicros, int width, int height, ImageCodec codec, long index,
                           double coverage, String model, String weights, String source) {
    public static final String VERSION = "derain.version";
    public static final String PTS = "derain.pts.us";
    public static final String CAPTURE = "derain.capture.us";
    public static final String WIDTH = "derain.width";
    public static final String HEIGHT = "derain.height";
    public static final String CODEC = "derain.codec";
    public static final String INDEX = "derain.index";
    public static final String COVERAGE = "derain.coverage";
    public static final String MODEL = "derain.model";
    public static final String WEIGHTS = "derain.weights";
    public static final String SOURCE = "derain.source";
    /** The record format this code writes and reads. */
    public static final String FORMAT_VERSION = "1";

    /** Adds a frame's headers (any present are left alone: callers start from empty headers). */
    static void write(Headers headers, VideoFrame frame, ImageCodec codec, ModelStamp model) {
        FrameMetadata meta = frame.metadata();
        add(headers, VERSION, FORMAT_VERSION);
        add(headers, PTS, Long.toString(frame.timestampMicros()));
        if (meta.captureTimeMicros() != FrameMetadata.UNKNOWN_TIME) {
            add(headers, CAPTURE, Long.toString(meta.captureTimeMicros()));
        }
        add(headers, WIDTH, Integer.toString(frame.width()));
        add(headers, HEIGHT, Integer.toString(frame.height()));
        add(headers, CODEC, codec.header());
        add(headers, INDEX, Long.toString(frame.index()));
        double coverage = meta.dropCoverage();
        if (Double.isFinite(coverage)) add(headers, COVERAGE, String.format(Locale.ROOT, "%.6f", coverage));
        if (model.name() != null) add(headers, MODEL, model.name());
        if (model.weights() != null) add(headers, WEIGHTS, model.weights());
        if (meta.position() instanceof KafkaPosition from) add(headers, SOURCE, from.describe());
    }

    /**
     * Reads and checks a record's headers.
     *
     * @param maxSide the largest width or height accepted (a header claiming more is refused before any
     *                memory is allocated for it)
     * @throws RecordProblem naming the header and what is wrong with it
     */
    static FrameHeaders read(Headers headers, int maxSide) {
        String version = text(headers, VERSION, true);
        if (!version.equals(FORMAT_VERSION)) {
            throw new RecordProblem("unsupported record format " + VERSION + "=" + shown(version)
                    + " (this reader knows " + FORMAT_VERSION + ")");
        }
        int width = (int) number(headers, WIDTH, 1, maxSide);
        int height = (int) number(headers, HEIGHT, 1, maxSide);
        String codecName = text(headers, CODEC, true);
        ImageCodec codec = ImageCodec.fromHeader(codecName);
        if (codec == null) throw new RecordProblem(CODEC + "=" + shown(codecName) + " is not jpeg or png");
        long pts = number(headers, PTS, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        long index = number(headers, INDEX, 0, Long.MAX_VALUE);
        long capture = headers.lastHeader(CAPTURE) == null ? FrameMetadata.UNKNOWN_TIME
                : number(headers, CAPTURE, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        double coverage = Double.NaN;
        String coverageText = text(headers, COVERAGE, false);
        if (coverageText != null) {
            try {
                coverage = Double.parseDouble(coverageText);
            } catch (NumberFormatException e) {
                coverage = Double.NaN;
            }
            if (!(coverage >= 0 && coverage <= 1)) {
                throw new RecordProblem(COVERAGE + "=" + shown(coverageText) + " is not a fraction 0..1");
            }
        }
        return new FrameHeaders(pts, capture, width, height, codec, index, coverage,
                text(headers, MODEL, false), text(headers, WEIGHTS, false), text(headers, SOURCE, false));
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers headers, String key, boolean required) {
        Header header = headers.lastHeader(key);
        if (header == null || header.value() == null) {
            if (required) throw new RecordProblem("missing header " + key);
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long number(Headers headers, String key, long min, long max) {
        String text = text(headers, key, true);
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new RecordProblem(key + "=" + shown(text) + " is not a whole number");
        }
        if (value < min || value > max) {
            throw new RecordProblem(key + "=" + value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    /** A header value fit for a one-line message: printable, at most 40 characters. */
    static String shown(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 40 ? clean.substring(0, 40) + "..." : clean) + "'";
    }
}
