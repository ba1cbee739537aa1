package io.derain.pipeline.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Publishing gives up on a server that is not there or never answers, within its I/O timeout, for every scheme;
 * at the start that is bad input (exit 2), one line naming the URL.
 */
class StreamPublishSinkTest {
    private static final SourceInfo INFO = new SourceInfo("camera", 64, 48, 25, -1, null, true);
    private static final ReconnectPolicy POLICY = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 1, 0);

    /** rtmp once took FFmpeg's {@code timeout} as "listen for a caller": it waited for days on a port with no server. */
    @Test
    void rtmpToAPortWithNoServerFailsAtOnce() throws IOException {
        int port = freePort();
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(InputException.class,
                () -> new StreamPublishSink("rtmp://127.0.0.1:" + port + "/live/cam", INFO, POLICY, m -> {}).close()));
        assertTrue(e.getMessage().startsWith("rtmp://127.0.0.1:" + port + "/live/cam: cannot publish: the server did not take"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("FFmpegLogCallback"), "no JavaCV developer hint: " + e.getMessage());
    }

    @Test
    void rtmpToAServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) accepted.add(silent.accept()); // accepts, never answers the handshake
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-rtmp-server");
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(InputException.class,
                    () -> new StreamPublishSink("rtmp://127.0.0.1:" + silent.getLocalPort() + "/live/cam", INFO, POLICY, m -> {})
                            .close()));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 4, "gave up after the 5 s I/O timeout, not before: " + seconds);
            for (Socket s : accepted) s.close();
        }
    }

    @Test
    void eachSchemeGetsTheOptionItsProtocolReadsAsAnIoTimeout() {
        assertEquals("timeout", StreamPublishSink.ioTimeoutOption("rtsp://h/p"));
        assertEquals("timeout", StreamPublishSink.ioTimeoutOption("srt://h:1"));
        assertEquals("timeout", StreamPublishSink.ioTimeoutOption("udp://h:1"));
        assertEquals("rw_timeout", StreamPublishSink.ioTimeoutOption("rtmp://h/p"));
        assertEquals("rw_timeout", StreamPublishSink.ioTimeoutOption("RTMPS://h/p"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
