package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.derain.pipeline.broker.BrokerSettings;
import io.derain.pipeline.broker.EmbeddedBroker;
import io.derain.pipeline.source.TestMedia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code derain worker}'s scrape against a real broker: frames counted by {@code camera}, lag by topic and
 * partition, batch sizes as a histogram, build info, JVM and process metrics; and {@code promtool check metrics}
 * finds nothing to say about it.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerMetricsTest {
    @TempDir
    Path dir;

    @Test
    void aWorkersScrapeFollowsThePrometheusConventions() throws Exception {
        assumeTrue(Promtool.available(), "promtool is not installed");
        Path clip = TestMedia.smallClip(dir.resolve("small.mp4"), 12);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.of(dir.resolve("kafka")).withDefaultPartitions(2))) {
            String at = "kafka://" + broker.bootstrap();
            CliRun in = CliRun.of("run", clip.toString(), "-o", at + "/frames.raw", "--model", "none", "--camera", "cam7", "-q");
            assertEquals(0, in.exitCode(), in.err());
            CompletableFuture<CliRun> worker = CompletableFuture.supplyAsync(() -> CliRun.of("worker", "--in", at + "/frames.raw",
                    "--out", at + "/frames.derained", "--group", "metrics", "--batch", "4", "--idle-timeout", "8s",
                    "--metrics-port", Integer.toString(port), "-q"));
            String scrape = "";
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            // Until every frame is counted and the lag has been sampled (once a second, after the first fetch).
            while (System.nanoTime() < end && !(scrape.contains("derain_worker_frames_out_total{camera=\"cam7\",group=\"metrics\"} 12.0")
                    && scrape.contains("derain_worker_consumer_lag_records{"))) {
                Thread.sleep(300);
                try {
                    scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    assertTrue(!worker.isDone(), "the worker ended early: " + (worker.isDone() ? worker.get().err() : ""));
                }
            }
            assertTrue(scrape.contains("derain_worker_frames_out_total{camera=\"cam7\",group=\"metrics\"} 12.0"),
                    "12 frames of cam7 counted under its camera label:\n" + scrape);
            assertTrue(java.util.regex.Pattern.compile("derain_worker_consumer_lag_records\\{group=\"metrics\",partition=\"[01]\",topic=\"frames.raw\"} ")
                    .matcher(scrape).find(), "lag by topic and partition:\n" + scrape);
            assertTrue(!scrape.contains("topic=\"frames_raw\""), "not Kafka's legacy metric names too");
            for (String series : new String[] {"derain_worker_batch_frames_bucket{group=\"metrics\",le=\"4.0\"}", "derain_build_info{group=\"metrics\",model=\"" + io.derain.models.restore.ModelCatalog.DEFAULT + "\"",
                    "process_resident_memory_bytes{", "jvm_memory_used_bytes{", "process_cpu_seconds_total{"}) {
                assertTrue(scrape.contains(series), series + " in:\n" + scrape);
            }
            assertTrue(!scrape.contains("derain_worker_batch_mean"), "no derived means");
            Promtool.Result check = Promtool.run(scrape, "check", "metrics");
            assertEquals(0, check.exitCode(), check.output());
            assertEquals("", check.output().strip(), "promtool has nothing to say");
            assertEquals(0, worker.get(60, TimeUnit.SECONDS).exitCode());
        }
    }
}
