package io.derain.operators.derain;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** Auto picks the hardware's native precision: never bf16 where it would crawl (an AVX2-only CPU keeps fp32). */
    @Test
    void autoPrecisionFollowsTheHardware() {
        CpuFeatures avx512bf16 = CpuFeatures.of("flags : fpu avx2 avx512f avx512_bf16");
        CpuFeatures amx = CpuFeatures.of("flags : fpu avx2 avx512f amx_bf16 amx_tile");
        CpuFeatures avx2 = CpuFeatures.of("flags : fpu sse2 avx2 fma");
        CpuFeatures unknown = CpuFeatures.of("");
        assertEquals(Precision.BF16, Precision.AUTO.resolve(false, avx512bf16, false));
        assertEquals(Precision.BF16, Precision.AUTO.resolve(false, amx, false));
        assertEquals(Precision.FP32, Precision.AUTO.resolve(false, avx2, false));
        assertEquals(Precision.FP32, Precision.AUTO.resolve(false, unknown, false));
        assertEquals(Precision.FP16, Precision.AUTO.resolve(true, avx2, false));
        assertEquals(Precision.FP32, Precision.FP32.resolve(false, avx512bf16, false), "what was asked for stays");
        assertEquals("auto: AVX-512 BF16", Precision.reason(false, avx512bf16, false));
        assertEquals("auto: AMX", Precision.reason(false, amx, false));
        assertEquals("auto: no native bf16 on this CPU", Precision.reason(false, avx2, false));
        assertEquals(Precision.AUTO, Precision.parse("auto"));
    }

    /**
     * int8 only where it pays: a model it helps (the attentive generator), a CPU with int8 dot products and native
     * bf16 for the rest. An AVX2-only CPU keeps fp32, AVX-VNNI or not; a model without an int8 form keeps bf16;
     * asking for int8 where the CPU has no int8 dot products is refused.
     */
    @Test
    void autoPicksInt8ForAWideModelOnACpuWithVnniAndBf16() {
        CpuFeatures zen4 = CpuFeatures.of("flags : fpu avx2 avx512f avx512_bf16 avx512_vnni");
        CpuFeatures sapphire = CpuFeatures.of("flags : fpu avx2 avx512f avx512_vnni amx_bf16 amx_int8 amx_tile");
        CpuFeatures cooperBf16NoVnni = CpuFeatures.of("flags : fpu avx2 avx512f avx512_bf16");
        CpuFeatures alderLake = CpuFeatures.of("flags : fpu avx2 avx_vnni");
        assertTrue(zen4.fastInt8());
        assertFalse(alderLake.fastInt8(), "AVX-VNNI alone: FBGEMM's AVX2 kernels, which saturate");
        assertFalse(cooperBf16NoVnni.fastInt8());
        assertEquals(Precision.INT8, Precision.AUTO.resolve(false, zen4, true));
        assertEquals(Precision.INT8, Precision.AUTO.resolve(false, sapphire, true));
        assertEquals(Precision.BF16, Precision.AUTO.resolve(false, zen4, false), "a model without an int8 form stays bf16");
        assertEquals(Precision.BF16, Precision.AUTO.resolve(false, cooperBf16NoVnni, true));
        assertEquals(Precision.FP32, Precision.AUTO.resolve(false, alderLake, true), "no native bf16: fp32, as before");
        assertEquals(Precision.FP16, Precision.AUTO.resolve(true, zen4, true));
        assertEquals(Precision.BF16, Precision.BF16.resolve(false, zen4, true), "what was asked for stays");
        assertEquals("auto: AVX-512 BF16 and VNNI, int8 feature extractor", Precision.reason(false, zen4, true));
        assertEquals("auto: AMX and AMX int8, int8 feature extractor", Precision.reason(false, sapphire, true));
        assertEquals("auto: AVX-512 BF16", Precision.reason(false, zen4, false));
        assertEquals(Precision.INT8, Precision.parse("int8"));
        Precision.requireInt8(zen4);
        io.derain.models.SettingsException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.derain.models.SettingsException.class, () -> Precision.requireInt8(cooperBf16NoVnni));
        assertTrue(refused.getMessage().contains("use fp32 or bf16"), refused.getMessage());
    }

    @Test
    void readsThisMachine() {
        CpuFeatures host = CpuFeatures.host();
        // Linux CI and development machines: every x86-64 CPU lists at least fpu.
        assertTrue(host.known(), "flags read from /proc/cpuinfo");
    }
}
