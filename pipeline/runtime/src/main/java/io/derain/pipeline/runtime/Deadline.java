package io.derain.pipeline.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The end of a wait, on the monotonic clock: the one helper behind every "wait up to this long, then give up" in
 * derain (a broker starting, a topic check, a first frame, a transaction call retried, an audit read). Immutable;
 * a wall-clock change never moves it.
 */
public final class Deadline {
    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /** Ends {@code timeout} from now (a timeout too long to represent ends about 292 years from now). */
    public static Deadline in(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 2;
        }
        return new Deadline(System.nanoTime() + Math.max(0, Math.min(nanos, Long.MAX_VALUE / 2)));
    }

    /** Whether it has passed. */
    public boolean expired() {
        return System.nanoTime() - endNanos >= 0;
    }

    /** Time left, zero once it has passed. */
    public long remainingNanos() {
        return Math.max(0, endNanos - System.nanoTime());
    }

    /** Milliseconds left for an API that takes them, at least {@code floor} (1: "check once more"). */
    public long remainingMillis(long floor) {
        return Math.max(floor, TimeUnit.NANOSECONDS.toMillis(remainingNanos()));
    }
}
