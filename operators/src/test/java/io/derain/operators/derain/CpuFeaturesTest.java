package io.derain.operators.derain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuFeaturesTest {
    @Test
    void bf16NeedsAvx512Bf16OrAmx() {
        assertTrue(CpuFeatures.of("flags\t\t: fpu sse2 avx2 avx512f avx512_bf16").fastBf16());
        assertTrue(CpuFeatures.of("flags : fpu avx2 amx_bf16 amx_tile").fastBf16());
        CpuFeatures avx2 = CpuFeatures.of("flags\t\t: fpu sse2 avx2 fma");
        assertTrue(avx2.known());
        assertFalse(avx2.fastBf16());
        assertFalse(CpuFeatures.of("").known());
    }

    @Test
    void readsThisMachine() {
        CpuFeatures host = CpuFeatures.host();
        // Linux CI and development machines: every x86-64 CPU lists at least fpu.
        assertTrue(host.known(), "flags read from /proc/cpuinfo");
    }
}
