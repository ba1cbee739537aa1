package io.derain.pipeline.live;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link LiveSource} talks to one camera. Build with {@link #of(String)} and adjust with the
 * {@code with...} methods.
 *
 * @param url            what FFmpeg opens: rtsp://, rtsps://, srt://, udp://, ...
 * @param camera         the camera's id: metrics label, Kafka key, frame metadata
 * @param rtspTransport  "tcp" (default: no losses behind NAT and firewalls) or "udp"; RTSP only
 * @param stallTimeout   a connection that delivers nothing for this long is dropped and reconnected
 * @param connectTimeout connecting and probing the stream may take this long
 * @param reconnect      backoff between reconnects and when to give up
 */
public record CameraSettings(String url, String camera, String rtspTransport, Duration stallTimeout,
                             Duration connectTimeout, ReconnectPolicy reconnect) {
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public CameraSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(camera, "camera");
        if (!rtspTransport.equals("tcp") && !rtspTransport.equals("udp")) {
            throw new SettingsException("RTSP transport must be tcp or udp, got " + rtspTransport);
        }
        if (stallTimeout.toMillis() < 100) throw new SettingsException("stall timeout must be at least 100 ms");
        if (connectTimeout.toMillis() < 100) throw new SettingsException("connect timeout must be at least 100 ms");
        Objects.requireNonNull(reconnect, "reconnect");
    }

    /** Defaults: TCP, 5 s stall timeout, 10 s to connect, reconnects forever with backoff up to 30 s. */
    public static CameraSettings of(String url) {
        return new CameraSettings(url, defaultCamera(url), "tcp", DEFAULT_STALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
                ReconnectPolicy.forever(ReconnectPolicy.DEFAULT_MAX));
    }

    public CameraSettings withCamera(String id) {
        return new CameraSettings(url, id, rtspTransport, stallTimeout, connectTimeout, reconnect);
    }

    public CameraSettings withRtspTransport(String transport) {
        return new CameraSettings(url, camera, transport.toLowerCase(Locale.ROOT), stallTimeout, connectTimeout, reconnect);
    }

    public CameraSettings withStallTimeout(Duration timeout) {
        return new CameraSettings(url, camera, rtspTransport, timeout, connectTimeout, reconnect);
    }

    public CameraSettings withConnectTimeout(Duration timeout) {
        return new CameraSettings(url, camera, rtspTransport, stallTimeout, timeout, reconnect);
    }

    public CameraSettings withReconnect(ReconnectPolicy policy) {
        return new CameraSettings(url, camera, rtspTransport, stallTimeout, connectTimeout, policy);
    }

    /** Whether {@code input} names a network stream rather than a file: it has a URL scheme other than file:. */
    public static boolean isStreamUrl(String input) {
        int colon = input.indexOf("://");
        if (colon <= 0) return false;
        String scheme = input.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.matches("[a-z][a-z0-9+.-]*") && !scheme.equals("file") && !scheme.equals("kafka");
    }

    /** The URL's path without slashes ("cam" for rtsp://host:8554/cam), else its host. Never the credentials. */
    static String defaultCamera(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) rest = rest.substring(at + 1);
        slash = rest.indexOf('/');
        String path = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("[?#].*", "");
        String id = path.isEmpty() ? rest.replaceAll("[:/?#].*", "") : path.replace('/', '-');
        return id.isEmpty() ? "camera" : id;
    }

    /** The URL without user:password, for messages and logs. */
    public String redactedUrl() {
        return redact(url);
    }

    /** {@code url} with any {@code user:password@} masked, for messages, logs and API responses. */
    public static String redact(String url) {
        return url.replaceFirst("://[^/@]*@", "://***@");
    }
}
