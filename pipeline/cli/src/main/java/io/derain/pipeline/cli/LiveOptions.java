package io.derain.pipeline.cli;

import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.ReconnectPolicy;
import io.derain.pipeline.sink.Retention;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code derain run} options for live inputs and outputs: how to talk to a camera and how much lag to allow. */
final class LiveOptions {
    @Option(names = "--camera", paramLabel = "ID",
            description = "The camera's id: metrics label and frame metadata (default: the URL's path or the file's name).")
    String camera;

    @Option(names = "--rtsp-transport", paramLabel = "tcp|udp", defaultValue = "tcp",
            description = "RTSP transport of a live input (default: ${DEFAULT-VALUE}).")
    String rtspTransport;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "A live input that sends nothing for this long is dropped and reconnected (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Connecting to a live input may take this long per attempt (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--reconnect-max", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Longest wait between reconnects; waits double from 0.5 s with jitter (default: ${DEFAULT-VALUE}).")
    Duration reconnectMax;

    @Option(names = "--max-reconnects", paramLabel = "N", defaultValue = "-1",
            description = "Give up after N failed reconnects in a row (exit 2 if the camera never answered, 1 if it was lost"
                    + " while running); -1 retries forever (default).")
    int maxReconnects;

    @Option(names = "--max-latency", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Live inputs: frames older than this from capture to inference are dropped and counted "
                    + "(default: ${DEFAULT-VALUE}); 0 for no bound.")
    Duration maxLatency;

    @Option(names = "--fps", paramLabel = "N",
            description = "Take frames evenly at N per second before inference (the rest are dropped as 'rate').")
    Double fps;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long (live inputs run until SIGTERM/Ctrl-C otherwise); exit code 0.")
    Duration duration;

    @Option(names = "--segment", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Record rolling segments of this length: OUTPUT is a name pattern with %%Y %%m %%d %%H %%M %%S "
                    + "(capture time of the segment's first frame), e.g. 'rec/cam1-%%Y%%m%%d-%%H%%M%%S.mp4'.")
    Duration segment;

    @Option(names = "--retain-max-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --segment: delete closed segments older than this (e.g. 7d).")
    Duration retainMaxAge;

    @Option(names = "--retain-max-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "With --segment: keep this recording's closed segments within SIZE (e.g. 50GiB), oldest deleted first.")
    Long retainMaxSize;

    @Option(names = "--retain-min-free", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "With --segment: delete the oldest closed segments while the disk has less free space than SIZE.")
    Long retainMinFree;

    /** Checks what picocli cannot, naming the flags (the library's settings never do). */
    void validate(picocli.CommandLine cli) {
        if (fps != null && !(fps > 0 && fps <= 1000)) fail(cli, "--fps: expected a rate above 0, got " + fps);
        if (stallTimeout.toMillis() < 100) fail(cli, "--stall-timeout: at least 100ms");
        if (connectTimeout.toMillis() < 100) fail(cli, "--connect-timeout: at least 100ms");
        if (reconnectMax.toMillis() < 500) fail(cli, "--reconnect-max: at least 500ms");
        if (maxReconnects < -1) fail(cli, "--max-reconnects: -1 (forever) or more");
        if (!rtspTransport.equals("tcp") && !rtspTransport.equals("udp")) {
            fail(cli, "--rtsp-transport: expected tcp or udp, got '" + rtspTransport + "'");
        }
        if (segment != null && segment.toMillis() < 1000) fail(cli, "--segment: at least 1s");
        if (segment == null && (retainMaxAge != null || retainMaxSize != null || retainMinFree != null)) {
            fail(cli, "--retain-max-age, --retain-max-size and --retain-min-free apply to --segment recordings");
        }
        if (duration != null && duration.isZero()) fail(cli, "--duration: must be more than 0");
    }

    private static void fail(picocli.CommandLine cli, String message) {
        throw new picocli.CommandLine.ParameterException(cli, message);
    }

    CameraSettings camera(String url) {
        CameraSettings s = CameraSettings.of(url).withRtspTransport(rtspTransport).withStallTimeout(stallTimeout)
                .withConnectTimeout(connectTimeout).withReconnect(reconnect());
        return camera == null ? s : s.withCamera(camera);
    }

    /** What the --retain options keep: only this recording's closed segments are ever deleted. */
    Retention retention() {
        return Retention.builder().maxAge(retainMaxAge).maxBytes(retainMaxSize == null ? 0 : retainMaxSize)
                .minFreeBytes(retainMinFree == null ? 0 : retainMinFree).build();
    }

    ReconnectPolicy reconnect() {
        return ReconnectPolicy.forever(reconnectMax).withMaxAttempts(maxReconnects);
    }
}
