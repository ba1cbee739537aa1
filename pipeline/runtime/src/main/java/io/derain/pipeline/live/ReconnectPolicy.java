package io.derain.pipeline.live;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the n-th reconnect in a row: exponential from {@code initial}, capped at
 * {@code max}, each delay shortened by up to {@code jitter} of itself at random so that a fleet of cameras
 * that lost the same server does not come back in lock-step.
 *
 * @param initial       the first delay
 * @param max           no delay is longer
 * @param maxAttempts   reconnects in a row before giving up (the job fails), or -1 to retry forever
 * @param jitter        0..1: share of each delay taken off at random
 */
public record ReconnectPolicy(Duration initial, Duration max, int maxAttempts, double jitter) {
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

    public ReconnectPolicy {
        if (initial.isNegative() || initial.isZero()) throw new SettingsException("initial must be positive");
        if (max.compareTo(initial) < 0) throw new SettingsException("max must be at least initial");
        if (maxAttempts < -1) throw new SettingsException("maxAttempts must be -1 (forever) or more");
        if (!(jitter >= 0 && jitter <= 1)) throw new SettingsException("jitter must be in 0..1");
    }

    /** 0.5 s doubling up to {@code max}, 20 % jitter, forever. */
    public static ReconnectPolicy forever(Duration max) {
        return new ReconnectPolicy(Duration.ofMillis(500).compareTo(max) > 0 ? max : Duration.ofMillis(500), max, -1, 0.2);
    }

    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(initial, max, attempts, jitter);
    }

    /** Whether the {@code attempt}-th reconnect in a row (from 1) may be made. */
    public boolean allows(int attempt) {
        return maxAttempts < 0 || attempt <= maxAttempts;
    }

    /** The wait before the {@code attempt}-th reconnect in a row (from 1). */
    public Duration delay(int attempt, RandomGenerator random) {
        double base = initial.toNanos() * Math.pow(2, Math.min(30, Math.max(0, attempt - 1)));
        double capped = Math.min(base, max.toNanos());
        return Duration.ofNanos((long) (capped * (1 - jitter * random.nextDouble())));
    }
}
