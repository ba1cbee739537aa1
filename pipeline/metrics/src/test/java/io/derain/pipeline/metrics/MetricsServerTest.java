package io.derain.pipeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.runtime.StagedPipeline;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scrapes a running job's metrics over loopback HTTP, as Prometheus would. */
@Timeout(20)
class MetricsServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aRunningJobIsScrapedAndTheServerGoesWithTheJob() throws Exception {
        CountDownLatch scraped = new CountDownLatch(1);
        FrameSource source = new PausingSource(20, 10, scraped);
        String during;
        int port;
        try (MetricsServer server = MetricsServer.start(0)) {
            port = server.port();
            StagedPipeline pipeline = new StagedPipeline(source, new IdentityOperator(2), new NullSink());
            new PipelineMetrics(pipeline.stats()).bindTo(server.registry());
            CompletableFuture<JobReport> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipeline.run(ProgressListener.NONE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The source pauses after 10 frames; by then the encoder has written the first ones.
            while (value(during = get(port), "derain_frames_in_total") < 10) Thread.sleep(20);
            scraped.countDown();
            assertEquals(20, job.get(10, TimeUnit.SECONDS).frames());
            String after = get(port);
            assertEquals(20, value(after, "derain_frames_in_total"));
            assertEquals(20, value(after, "derain_frames_out_total"));
            for (String reason : new String[] {"latency", "rate", "stop", "reject"}) {
                assertEquals(0, value(after, "derain_frames_dropped_total{reason=\"" + reason + "\"}"), after);
            }
            assertTrue(value(after, "derain_stage_busy_seconds_count{stage=\"encode\"}") == 20, after);
            assertTrue(after.contains("derain_queue_depth{queue=\"decoded\"}"), after);
            assertTrue(after.contains("derain_frame_latency_seconds_sum"), after);
            assertTrue(after.contains("derain_frame_latency_seconds_bucket{le=\"1.0\"}"), after);
            assertEquals(20, value(after, "derain_frame_latency_seconds_count"), after);
            assertTrue(value(after, "derain_process_peak_rss_bytes") > 0, after);
        }
        assertTrue(during.contains("# TYPE derain_frames_out_total counter"), during);
        assertThrows(IOException.class, () -> get(port), "closed with the job");
    }

    /** Clients that send half a request and stall neither take the server nor stop it answering Prometheus. */
    @Test
    void stalledClientsDoNotSilenceTheEndpoint() throws Exception {
        try (MetricsServer server = MetricsServer.start(0)) {
            java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // more than the server's threads
                    java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port());
                    s.getOutputStream().write("GET /met".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                long start = System.nanoTime();
                String body = null;
                while (body == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) {
                    try {
                        body = get(server.port());
                    } catch (java.net.http.HttpTimeoutException e) {
                        // threads still held: the server closes a request not sent within 5 s
                    }
                }
                assertTrue(body != null, "a scrape answered within 15 s of 6 stalled clients");
            } finally {
                for (java.net.Socket s : stalled) s.close();
            }
        }
    }

    @Test
    void healthIsServedFromTheStartAndAProbeReplacesItsCheck() throws Exception {
        try (MetricsServer server = MetricsServer.start(0)) {
            HttpResponse<String> up = send(server.port(), "GET", "/healthz");
            assertEquals(200, up.statusCode());
            assertEquals("ok\n", up.body());
            java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>();
            server.probe("/healthz", problem::get);
            assertEquals(200, status(server.port(), "GET", "/healthz"));
            problem.set("inference stalled");
            HttpResponse<String> down = send(server.port(), "GET", "/healthz");
            assertEquals(503, down.statusCode());
            assertEquals("inference stalled\n", down.body());
            assertEquals(405, status(server.port(), "POST", "/healthz"));
        }
    }

    @Test
    void requestRatesAreBoundedWithRetryAfter() throws Exception {
        // Small limits (1 read/s, burst 5; 1 change/s, burst 3) so that a dozen requests one after another show
        // them: a flood of hundreds at the production limits only measures how fast this machine accepts sockets.
        try (MetricsServer server = MetricsServer.startLimited(new RequestRate(1, 5), new RequestRate(1, 3))) {
            server.route("/change", exchange -> {
                try (exchange) {
                    exchange.sendResponseHeaders(204, -1);
                }
            });
            int readsRefused = 0;
            for (int i = 0; i < 12; i++) if (status(server.port(), "GET", "/healthz") == 429) readsRefused++;
            assertTrue(readsRefused >= 3, "reads beyond the burst are refused: " + readsRefused);
            int changesRefused = 0;
            HttpResponse<String> last = null;
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = send(server.port(), "POST", "/change");
                if (r.statusCode() == 429) {
                    changesRefused++;
                    last = r;
                }
            }
            assertTrue(changesRefused >= 3, "changes beyond their burst are refused: " + changesRefused);
            assertEquals("1", last.headers().firstValue("Retry-After").orElse(""));
            assertTrue(last.body().contains("too many requests"), last.body());
            Thread.sleep(1100);
            assertEquals(200, status(server.port(), "GET", "/metrics"), "refilled after a second");
            assertEquals(204, status(server.port(), "POST", "/change"));
        }
    }

    private int status(int port, String method, String path) throws Exception {
        return send(port, method, path).statusCode();
    }

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    /** The value of the first sample whose name (with labels) starts the line; -1 if absent. */
    private static double value(String scrape, String sample) {
        return scrape.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(sample.length() + 1).trim())).orElse(-1.0);
    }

    /** {@code frames} tiny frames; waits for {@code resume} before frame {@code pauseAt}. */
    private static final class PausingSource implements FrameSource {
        private final int frames;
        private final int pauseAt;
        private final CountDownLatch resume;
        private int next;

        PausingSource(int frames, int pauseAt, CountDownLatch resume) {
            this.frames = frames;
            this.pauseAt = pauseAt;
            this.resume = resume;
        }

        @Override
        public SourceInfo info() { return new SourceInfo("paused", 8, 8, 25, frames, null); }

        @Override
        public MediaItem next() throws IOException {
            if (next >= frames) return null;
            if (next == pauseAt) {
                try {
                    resume.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            VideoFrame f = new VideoFrame(8, 8);
            f.setIndex(next++);
            return new VideoItem(f);
        }

        @Override
        public void close() {}
    }

    private static final class NullSink implements FrameSink {
        @Override
        public void write(VideoFrame frame) {}

        @Override
        public void commit() {}

        @Override
        public void close() {}
    }
}
