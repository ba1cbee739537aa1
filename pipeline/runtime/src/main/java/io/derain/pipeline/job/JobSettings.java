package io.derain.pipeline.job;

import io.derain.models.SettingsException;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.sink.Retention;
import io.derain.pipeline.view.LiveView;
import io.derain.pipeline.live.ReconnectPolicy;
import io.derain.pipeline.runtime.PipelineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a {@link DerainJob} reads, writes and how: the same choices {@code derain run} offers, as values.
 * Build with {@link #builder(String, String)}; every setting not given has the default stated on its builder
 * method. Immutable.
 *
 * <p>Input: a video file, an image, a directory of images, a live stream URL ({@code rtsp://}, {@code srt://},
 * ...: {@link CameraSettings#isStreamUrl}) or a URI a {@link Connector} given with {@link Builder#connector}
 * handles (such as {@code kafka://HOST:PORT/TOPIC}). Output: a video or image file, a directory of images, a stream
 * URL to publish to, a segment name pattern (with {@link Builder#segment}) or a connector's URI.
 */
public final class JobSettings {
    private final String input;
    private final String output;
    private final boolean overwrite;
    private final boolean keepGoing;
    private final TemporalSettings temporal;
    private final boolean preview;
    private final Path attention;
    private final Duration segment;
    private final Retention retention;
    private final LiveView view;
    private final double frameRate;
    private final String camera;
    private final String rtspTransport;
    private final Duration stallTimeout;
    private final Duration connectTimeout;
    private final ReconnectPolicy reconnect;
    private final Duration maxLatency;
    private final List<Connector> connectors;
    private final Consumer<String> events;
    private final BooleanSupplier stopped;
    private final ThreadFactory threadFactory;

    private JobSettings(Builder b) {
        input = b.input;
        output = b.output;
        overwrite = b.overwrite;
        keepGoing = b.keepGoing;
        temporal = b.temporal;
        preview = b.preview;
        attention = b.attention;
        segment = b.segment;
        retention = b.retention;
        view = b.view;
        frameRate = b.frameRate;
        camera = b.camera;
        rtspTransport = b.rtspTransport;
        stallTimeout = b.stallTimeout;
        connectTimeout = b.connectTimeout;
        reconnect = b.reconnect;
        maxLatency = b.maxLatency;
        connectors = List.copyOf(b.connectors);
        events = b.events;
        stopped = b.stopped;
        threadFactory = b.threadFactory;
    }

    /** Settings reading {@code input} and writing {@code output}, everything else at its default. */
    public static Builder builder(String input, String output) {
        return new Builder(input, output);
    }

    public String input() { return input; }
    public String output() { return output; }
    public boolean overwrite() { return overwrite; }
    public boolean keepGoing() { return keepGoing; }
    /** The temporal mode's settings, or null for frame by frame. */
    public TemporalSettings temporal() { return temporal; }
    public boolean preview() { return preview; }
    /** Where each frame's raindrop map goes, or null for nowhere. */
    public Path attention() { return attention; }
    /** Length of rolling segments, or null for one output. */
    public Duration segment() { return segment; }
    /** Which closed segments are deleted; {@link Retention#NONE} keeps all. */
    public Retention retention() { return retention; }
    /** What people watching the job see, or null for nobody. */
    public LiveView view() { return view; }
    /** Frames per second of source time to keep, 0 for all. */
    public double frameRate() { return frameRate; }
    /** The camera id given, or null for the default (a stream URL's path, a connector's camera, the file's name). */
    public String camera() { return camera; }
    public ReconnectPolicy reconnect() { return reconnect; }
    public Duration maxLatency() { return maxLatency; }
    /** The connectors given, first match wins. */
    public List<Connector> connectors() { return connectors; }
    public Consumer<String> events() { return events; }
    public BooleanSupplier stopped() { return stopped; }
    /** Makes the job's decode and encode threads. */
    public ThreadFactory threadFactory() { return threadFactory; }

    /** Whether the input is a live stream URL (not a file, not a connector's). */
    public boolean streamInput() {
        return CameraSettings.isStreamUrl(input);
    }

    /** The connector that reads the input, or null for a file, image, directory or stream URL. */
    public Connector inputConnector() {
        return connectorFor(input);
    }

    /** The connector that writes the output, or null for a file, directory, pattern or stream URL. */
    public Connector outputConnector() {
        return connectorFor(output);
    }

    private Connector connectorFor(String uri) {
        for (Connector c : connectors) if (c.handles(uri)) return c;
        return null;
    }

    /** How the live input is read: these settings applied to the input URL. Only for a {@link #streamInput()}. */
    public CameraSettings cameraSettings() {
        CameraSettings s = CameraSettings.of(input).withRtspTransport(rtspTransport).withStallTimeout(stallTimeout)
                .withConnectTimeout(connectTimeout).withReconnect(reconnect);
        return camera == null ? s : s.withCamera(camera);
    }

    /** Builds {@link JobSettings}; each setter returns this builder. */
    public static final class Builder {
        private final String input;
        private final String output;
        private boolean overwrite;
        private boolean keepGoing;
        private TemporalSettings temporal;
        private boolean preview;
        private Path attention;
        private Duration segment;
        private Retention retention = Retention.NONE;
        private LiveView view;
        private double frameRate;
        private String camera;
        private String rtspTransport = "tcp";
        private Duration stallTimeout = CameraSettings.DEFAULT_STALL_TIMEOUT;
        private Duration connectTimeout = CameraSettings.DEFAULT_CONNECT_TIMEOUT;
        private ReconnectPolicy reconnect = ReconnectPolicy.forever(ReconnectPolicy.DEFAULT_MAX);
        private final List<Connector> connectors = new ArrayList<>();
        private Duration maxLatency = Duration.ofSeconds(1);
        private Consumer<String> events = message -> {};
        private BooleanSupplier stopped = () -> false;
        private ThreadFactory threadFactory = PipelineSettings.DAEMON_THREADS;

        private Builder(String input, String output) {
            this.input = Objects.requireNonNull(input, "input");
            this.output = Objects.requireNonNull(output, "output");
        }

        /** Replace an existing output (default: an existing file output is an error). */
        public Builder overwrite(boolean replace) { overwrite = replace; return this; }

        /**
         * Write a damaged input as far as it decodes instead of failing; the damage is then reported by
         * {@code DerainJob.source().damage()} (default: damage fails the job).
         */
        public Builder keepGoing(boolean keep) { keepGoing = keep; return this; }

        /** Use past frames too (videos and streams; needs a {@code DerainOperator}); null: frame by frame (default). */
        public Builder temporal(TemporalSettings settings) { temporal = settings; return this; }

        /** Write input | derained | raindrop map side by side instead of the derained frames (default: no). */
        public Builder preview(boolean sideBySide) { preview = sideBySide; return this; }

        /** Also write each frame's raindrop map as 8-bit PNGs into {@code dir} (default: null, none). */
        public Builder attention(Path dir) { attention = dir; return this; }

        /** Record rolling segments of this length; the output is then a name pattern (default: null, one output). */
        public Builder segment(Duration length) { segment = length; return this; }

        /** Show frames to people watching through {@code live} (its input, derained pixels and map); the caller owns it. */
        public Builder view(LiveView live) { view = live; return this; }

        /** Delete the oldest closed segments past these limits (default: {@link Retention#NONE}); needs {@link #segment}. */
        public Builder retention(Retention policy) { retention = Objects.requireNonNull(policy, "retention"); return this; }

        /** Keep {@code fps} frames per second of source time, evenly (default: 0, every frame). */
        public Builder frameRate(double fps) { frameRate = fps; return this; }

        /** The camera's id for metrics, frame metadata and Kafka keys (default: null, derived from the input). */
        public Builder camera(String id) { camera = id; return this; }

        /** RTSP over "tcp" (default) or "udp". */
        public Builder rtspTransport(String transport) { rtspTransport = transport; return this; }

        /** A live input that sends nothing for this long is reconnected (default 5 s). */
        public Builder stallTimeout(Duration timeout) { stallTimeout = timeout; return this; }

        /** How long one connection attempt to a live input may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) { connectTimeout = timeout; return this; }

        /** Backoff and give-up rule for a live input and a published stream (default: forever, up to 30 s). */
        public Builder reconnect(ReconnectPolicy policy) { reconnect = policy; return this; }

        /** Live inputs: frames older than this at the model's input are dropped (default 1 s; zero: no bound). */
        public Builder maxLatency(Duration latency) { maxLatency = latency; return this; }

        /**
         * Reads or writes the inputs and outputs it handles (required for a {@code kafka://} end: derain-kafka's
         * {@code KafkaConnector}); asked in the order given (default: none).
         */
        public Builder connector(Connector connector) { connectors.add(Objects.requireNonNull(connector)); return this; }

        /** Told about a live input's or published stream's connection events, one line each (default: ignored). */
        public Builder events(Consumer<String> listener) { events = Objects.requireNonNull(listener); return this; }

        /**
         * Asked while opening waits (a camera that does not answer yet, a topic without frames yet): once true,
         * opening ends with {@code SourceStopped} (default: never). A running job is stopped with
         * {@code DerainJob.stop()}.
         */
        public Builder stopped(BooleanSupplier stop) { stopped = Objects.requireNonNull(stop); return this; }

        /**
         * Makes the job's decode and encode threads (inference runs on the thread that calls {@code run}): a
         * service's own factory, for its thread group, priority or context (default: daemon threads named after
         * their stage; a factory's names are kept, the stage's appended).
         */
        public Builder threadFactory(ThreadFactory factory) { threadFactory = Objects.requireNonNull(factory); return this; }

        /** @throws SettingsException for values out of range or a URI of a scheme no connector handles */
        public JobSettings build() {
            if (input.isBlank()) throw new SettingsException("no input given");
            if (output.isBlank()) throw new SettingsException("no output given");
            if (!(frameRate >= 0) || Double.isInfinite(frameRate)) {
                throw new SettingsException("frame rate must be zero or positive, got " + frameRate);
            }
            if (segment != null && (segment.isZero() || segment.isNegative())) throw new SettingsException("segment length must be positive");
            if (segment == null && !retention.keepsAll()) throw new SettingsException("retention applies to segments: give a segment length");
            if (maxLatency == null || maxLatency.isNegative()) throw new SettingsException("max latency must not be negative");
            Objects.requireNonNull(reconnect, "reconnect");
            for (String end : List.of(input, output)) {
                if (unhandledScheme(end)) {
                    throw new SettingsException(end + ": no connector given for this scheme (kafka:// needs derain-kafka's KafkaConnector)");
                }
            }
            return new JobSettings(this);
        }

        /** A URI with a scheme that is neither a stream's nor a connector's (a Windows drive letter is no scheme). */
        private boolean unhandledScheme(String end) {
            int colon = end.indexOf("://");
            if (colon < 2 || CameraSettings.isStreamUrl(end) || end.startsWith("file://")) return false;
            for (Connector c : connectors) if (c.handles(end)) return false;
            return true;
        }
    }
}
