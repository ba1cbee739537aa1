package io.derain.pipeline.serve.http;

import com.sun.net.httpserver.HttpExchange;
import io.derain.pipeline.view.Panel;
import io.derain.pipeline.view.ViewJpegs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live pictures as MJPEG ({@code multipart/x-mixed-replace}: every browser shows it in an {@code <img>}, no
 * plugin, no player). Each viewer is one HTTP response kept open and written by a thread of this class's own
 * pool, so viewers never take the HTTP server's few threads; at most {@code maxViewers} at once (503 beyond).
 * Every frame is encoded once however many watch ({@link ViewJpegs}); a viewer gets at most {@code fps} a second
 * and only pictures newer than its last. A viewer whose connection takes more than {@link #WRITE_DEADLINE} to
 * accept one picture is cut off, so a stalled client cannot hold a thread. Owns its threads; {@link #close()}
 * ends every stream.
 */
public final class MjpegStreams implements AutoCloseable {
    /** A picture not taken by the client in this long ends its stream. */
    static final Duration WRITE_DEADLINE = Duration.ofSeconds(10);
    private static final String BOUNDARY = "derainframe";

    private final int maxViewers;
    private final ExecutorService viewers;
    private final ScheduledExecutorService watchdog;
    private final Set<Viewer> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    public MjpegStreams(int maxViewers, ThreadFactory threads) {
        this.maxViewers = maxViewers;
        this.viewers = Executors.newFixedThreadPool(maxViewers, named(threads, "derain-viewer"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(named(threads, "derain-viewer-watchdog"));
        watchdog.scheduleWithFixedDelay(this::cutStalled, 1, 1, TimeUnit.SECONDS);
    }

    /** Viewers now. */
    public int viewers() { return count.get(); }

    /**
     * Streams {@code pictures}' {@code panel} to the exchange's client until it leaves or this closes; returns at
     * once (a 503 is sent at once when {@code maxViewers} already watch).
     */
    public void stream(HttpExchange exchange, ViewJpegs pictures, Panel panel, double fps) throws IOException {
        if (closed || count.incrementAndGet() > maxViewers) {
            count.decrementAndGet();
            byte[] body = ("too many viewers: at most " + maxViewers + " at once\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Retry-After", "5");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        Viewer v = new Viewer(exchange, pictures, panel, (long) (1e9 / fps));
        open.add(v);
        try {
            viewers.execute(v);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            v.end();
        }
    }

    private void cutStalled() {
        long now = System.nanoTime();
        for (Viewer v : open) {
            long started = v.writeStarted;
            if (started != 0 && now - started > WRITE_DEADLINE.toNanos()) v.end();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Viewer v : open) v.end();
        watchdog.shutdownNow();
        viewers.shutdownNow();
        try {
            viewers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Viewer implements Runnable {
        private final HttpExchange exchange;
        private final ViewJpegs pictures;
        private final Panel panel;
        private final long intervalNanos;
        private volatile long writeStarted;
        private volatile boolean ended;

        Viewer(HttpExchange exchange, ViewJpegs pictures, Panel panel, long intervalNanos) {
            this.exchange = exchange;
            this.pictures = pictures;
            this.panel = panel;
            this.intervalNanos = intervalNanos;
        }

        @Override
        public void run() {
            try {
                exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                long version = 0, lastSent = 0;
                while (!ended && !closed) {
                    long wait = intervalNanos - (System.nanoTime() - lastSent);
                    if (lastSent != 0 && wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    ViewJpegs.Jpeg jpeg = pictures.awaitNewer(panel, version, Duration.ofSeconds(5));
                    if (jpeg == null) continue; // nothing new (a stalled camera): keep the viewer, look again
                    writeStarted = System.nanoTime();
                    out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.bytes().length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(jpeg.bytes());
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    writeStarted = 0;
                    version = jpeg.version();
                    lastSent = System.nanoTime();
                }
            } catch (IOException | InterruptedException gone) {
                // the viewer left, was cut off, or serve is stopping
            } finally {
                end();
            }
        }

        void end() {
            if (ended && !open.contains(this)) return;
            ended = true;
            if (open.remove(this)) count.decrementAndGet();
            exchange.close();
        }
    }

    private static ThreadFactory named(ThreadFactory threads, String name) {
        return r -> {
            Thread t = threads.newThread(r);
            t.setName(name);
            return t;
        };
    }
}
