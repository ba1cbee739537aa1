package io.derain.pipeline.metrics;

/**
 * A token bucket: up to {@code burst} requests at once, refilled at {@code perSecond}. Bounds what a runaway
 * script or a token-guessing client can make a server do; one per kind of request, shared by all clients.
 */
final class RequestRate {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    RequestRate(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    /** Takes a token if one is left; false means refuse the request (429). */
    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) * perNano);
        lastNanos = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
