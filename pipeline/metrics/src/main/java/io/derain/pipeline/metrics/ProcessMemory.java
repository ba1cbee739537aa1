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
    public static long peakRssBytes() { return field(STATUS, "VmHWM:"); }

    /** The same of another process (a benchmark's child); -1 once it has gone. */
    public static long peakRssBytes(long pid) { return field(Path.of("/proc/" + pid + "/status"), "VmHWM:"); }

    /** Resident set size now (VmRSS), in bytes. */
    public static long rssBytes() { return field(STATUS, "VmRSS:"); }

    /**
     * The memory limit of this process's cgroup (v2 {@code memory.max}, or v1 {@code memory.limit_in_bytes}), or 0
     * when there is none (unlimited, or no cgroup file to read).
     */
    public static long limitBytes() {
        for (String file : new String[] {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
            try {
                String v = java.nio.file.Files.readString(Path.of(file)).strip();
                if (v.equals("max")) return 0;
                long bytes = Long.parseLong(v);
                return bytes >= (1L << 60) ? 0 : bytes; // v1 writes "unlimited" as a huge page-rounded number
            } catch (java.io.IOException | NumberFormatException | SecurityException absent) {
                // try the next layout
            }
        }
        return 0;
    }

    /**
     * The native allocator serving libtorch, for benchmark reports: "tcmalloc" or "jemalloc" when preloaded,
     * else "glibc malloc"; with "+ huge pages" when libtorch was asked for them (THP_MEM_ALLOC_ENABLE).
     */
    public static String allocator() {
        String malloc = "glibc malloc";
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            String found = lines.map(l -> l.contains("libtcmalloc") ? "tcmalloc" : l.contains("libjemalloc") ? "jemalloc" : null)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (found != null) malloc = found;
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String thp = System.getenv("THP_MEM_ALLOC_ENABLE");
        return malloc + (thp != null && !thp.equals("0") ? " + huge pages" : "");
    }

    private static long field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
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
