package io.derain.operators.derain;

import io.derain.models.SettingsException;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/** Arithmetic the model runs in. Frames are always exchanged as 8-bit; only inference changes. */
public enum Precision {
    /** Full precision: the reference. */
    FP32(torch.ScalarType.Float),
    /** bfloat16: on CPUs with AVX-512 BF16 / AMX much faster, about 8 bits of mantissa. */
    BF16(torch.ScalarType.BFloat16),
    /** IEEE half precision: for CUDA devices. */
    FP16(torch.ScalarType.Half),
    /**
     * The hardware's native precision, chosen when the operator is built ({@link #resolve}): fp16 on CUDA, bf16 on
     * a CPU with AVX-512 BF16 or AMX, fp32 elsewhere.
     */
    AUTO(null);

    private final torch.ScalarType scalarType;

    Precision(torch.ScalarType scalarType) {
        this.scalarType = scalarType;
    }

    /** The tensor type; {@link #AUTO} has none until resolved. */
    public torch.ScalarType scalarType() {
        if (scalarType == null) throw new IllegalStateException("precision auto is resolved when the operator is built");
        return scalarType;
    }

    /** What runs: this, or for {@link #AUTO} the device's native precision. */
    public Precision resolve(boolean cuda, CpuFeatures cpu) {
        if (this != AUTO) return this;
        if (cuda) return FP16;
        return cpu.fastBf16() ? BF16 : FP32;
    }

    /** Why {@link #AUTO} chose what it chose, for banners: "auto: AVX-512 BF16". */
    public static String reason(boolean cuda, CpuFeatures cpu) {
        if (cuda) return "auto: CUDA";
        if (cpu.fastBf16()) return "auto: " + (cpu.hasFlag("amx_bf16") ? "AMX" : "AVX-512 BF16");
        return "auto: " + (cpu.known() ? "no native bf16 on this CPU" : "CPU features unknown");
    }

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("precision: expected auto, fp32, bf16 or fp16, got '" + s + "'");
        }
    }
}
