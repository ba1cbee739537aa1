package io.derain.pipeline.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.ManagementFactory;

/**
 * What operators of the process watch, memory first: Micrometer's JVM and process binders ({@code jvm_memory_*},
 * {@code jvm_gc_*}, {@code jvm_threads_*}, {@code process_cpu_seconds_total}, {@code process_uptime_seconds},
 * {@code process_files_open_files}, ...) and, since a JVM's heap is the small part of a process with libtorch and
 * FFmpeg, {@code process_resident_memory_bytes} (VmRSS, the name Prometheus' own clients use) and
 * {@code derain_process_peak_rss_bytes} (VmHWM), and {@code derain_process_memory_limit_bytes} where a cgroup (a
 * container) limits memory. Owns the GC listener; {@link #close()} removes it.
 */
final class ProcessMetrics implements MeterBinder, AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    @Override
    public void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        // Not Micrometer's ProcessorMetrics: its process_cpu_time_ns_total and system_cpu_count break the naming
        // conventions (promtool says so); the standard process_cpu_seconds_total instead.
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the process has used, all threads").register(registry);
        }
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", ProcessMemory::rssBytes).baseUnit("bytes")
                .description("Resident set size of the process (VmRSS): heap, natives, model and frames").register(registry);
        Gauge.builder("derain.process.peak.rss", ProcessMemory::peakRssBytes).baseUnit("bytes")
                .description("Peak resident set size of the process (VmHWM)").register(registry);
        long limit = ProcessMemory.limitBytes();
        if (limit > 0) { // only under a limit: "near its limit" alerts divide by it
            Gauge.builder("derain.process.memory.limit", () -> limit).baseUnit("bytes")
                    .description("The memory limit of the process's cgroup (a container's --memory)").register(registry);
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
