package io.derain.models.generator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per part of the generator's forward pass, summed over the passes it was given to: each recurrent
 * step, then the autoencoder at full, 1/2 and 1/4 scale. Meaningful on the CPU, where operations finish
 * before they return (CUDA work is asynchronous). Not thread-safe: one profile per thread.
 */
public final class ForwardProfile {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last;
    private int passes;

    void start() {
        passes++;
        last = System.nanoTime();
    }

    /** Charges the time since the previous mark (or the start of the pass) to {@code part}. */
    void mark(String part) {
        long now = System.nanoTime();
        nanos.merge(part, now - last, Long::sum);
        last = now;
    }

    /** Seconds per part, in the order the parts first ran, summed over {@link #passes()}. */
    public Map<String, Double> seconds() {
        Map<String, Double> s = new LinkedHashMap<>();
        nanos.forEach((part, n) -> s.put(part, n / 1e9));
        return Collections.unmodifiableMap(s);
    }

    public int passes() {
        return passes;
    }
}
