package io.derain.operators.derain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the host CPU offers inference, read from {@code /proc/cpuinfo}. libtorch runs bf16 convolutions
 * fast only with AVX-512 BF16 or AMX; elsewhere it converts and falls back to slow paths, and bf16 is then
 * many times slower than fp32 (seen on an AVX2-only EPYC: a few frames in ten minutes against 2 fps in fp32).
 */
public final class CpuFeatures {
    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private final Set<String> flags;
    private final String model;

    private CpuFeatures(Set<String> flags, String model) {
        this.flags = flags;
        this.model = model;
    }

    /** This machine's flags; none known where /proc/cpuinfo is missing (not Linux). */
    public static CpuFeatures host() {
        try {
            java.util.List<String> lines = Files.readAllLines(CPU_INFO);
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
            return of(lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse(""), model);
        } catch (IOException | RuntimeException e) {
            return new CpuFeatures(Set.of(), "unknown CPU");
        }
    }

    /** From a {@code flags : a b c} line of /proc/cpuinfo. */
    static CpuFeatures of(String flagsLine) {
        return of(flagsLine, "unknown CPU");
    }

    private static CpuFeatures of(String flagsLine, String model) {
        String values = flagsLine.contains(":") ? flagsLine.substring(flagsLine.indexOf(':') + 1) : flagsLine;
        return new CpuFeatures(Stream.of(values.trim().split("\\s+")).filter(f -> !f.isEmpty()).collect(Collectors.toSet()), model);
    }

    /** Whether the flags are known at all (false: nothing can be said). */
    public boolean known() {
        return !flags.isEmpty();
    }

    /** For benchmark reports: the model name and its widest vector units, e.g. "AMD EPYC (AVX2)". */
    public String describe() {
        String units = flags.contains("amx_tile") ? "AVX-512, AMX" : flags.contains("avx512f") ? "AVX-512"
                : flags.contains("avx2") ? "AVX2" : known() ? "no AVX2" : "flags unknown";
        return model + " (" + units + ")";
    }

    /** Whether /proc/cpuinfo lists {@code flag}. */
    public boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    /**
     * Whether int8 dot products have hardware support that libtorch's quantized kernels use: AVX-512 VNNI or AMX.
     * AVX-VNNI (the 256-bit form) is left out: FBGEMM's AVX2 kernels multiply in saturating 16-bit pairs.
     */
    public boolean fastInt8() {
        return flags.contains("avx512_vnni") || flags.contains("amx_int8");
    }

    /** Whether bf16 arithmetic has hardware support that libtorch's CPU kernels use. */
    public boolean fastBf16() {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }
}
