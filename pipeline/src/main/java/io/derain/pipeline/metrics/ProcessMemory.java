package io.derain.pipeline.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory from /proc/self/status (Linux), which, unlike the JVM's heap figures,
 * includes native memory: decoder and encoder buffers, tensors, libtorch's allocator. -1 where unknown.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Highest resident set size so far (VmHWM), in bytes. */
    public static long peakRssBytes() { return field("VmHWM:"); }

    /** Resident set size now (VmRSS), in bytes. */
    public static long rssBytes() { return field("VmRSS:"); }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // "kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format
        }
        return -1;
    }
}
