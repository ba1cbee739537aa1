package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import java.util.Locale;
import org.bytedeco.pytorch.Device;
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
     * int8 kernels for the attentive generator's recurrent feature extractor (weights per channel, activations
     * calibrated on bundled frames), bf16 for the rest: for CPUs with int8 dot products and native bf16
     * (AVX-512 VNNI and BF16, AMX).
     */
    INT8(torch.ScalarType.BFloat16),
    /**
     * The hardware's native precision, chosen when the operator is built ({@link #resolve}): fp16 on CUDA; on a
     * CPU with AVX-512 BF16 or AMX, int8 for a model it helps when the CPU has int8 dot products too, else bf16;
     * fp32 elsewhere.
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

    /**
     * What runs: this, or for {@link #AUTO} the device's native precision; {@code int8Helps}: whether the model
     * runs faster with int8 kernels (RestorationModel.int8Helps()).
     */
    public Precision resolve(boolean cuda, CpuFeatures cpu, boolean int8Helps) {
        if (this != AUTO) return this;
        if (cuda) return FP16;
        if (!cpu.fastBf16()) return FP32;
        return int8Helps && cpu.fastInt8() ? INT8 : BF16;
    }

    /** Why {@link #AUTO} chose what it chose, for banners: "auto: AVX-512 BF16". */
    public static String reason(boolean cuda, CpuFeatures cpu, boolean int8Helps) {
        if (cuda) return "auto: CUDA";
        if (cpu.fastBf16()) {
            String bf16 = cpu.hasFlag("amx_bf16") ? "AMX" : "AVX-512 BF16";
            if (int8Helps && cpu.fastInt8()) return "auto: " + bf16 + " and " + (cpu.hasFlag("amx_int8") ? "AMX int8" : "VNNI") + ", int8 feature extractor";
            return "auto: " + bf16;
        }
        return "auto: " + (cpu.known() ? "no native bf16 on this CPU" : "CPU features unknown");
    }

    /**
     * Refuses int8 on a CPU without int8 dot products: there libtorch's kernels multiply in saturating 16-bit
     * pairs, which full-range activations overflow (and they are slower than fp32 anyway).
     */
    public static void requireInt8(CpuFeatures cpu) {
        if (!cpu.fastInt8()) {
            throw new SettingsException("int8 precision needs int8 dot products (AVX-512 VNNI or AMX), which "
                    + cpu.describe() + " lacks; use fp32" + (cpu.fastBf16() ? " or bf16" : ""));
        }
    }

    /**
     * Puts {@code model} in this (resolved) precision on {@code device}: for {@link #INT8} its int8 part is
     * calibrated and packed first (that needs the fp32 weights), then the weights are cast to {@link #scalarType()}.
     */
    public void applyTo(RestorationModel model, Device device, boolean cuda, CpuFeatures cpu) {
        if (this == INT8) {
            if (cuda) throw new SettingsException("int8 precision runs on CPUs; use fp16 on CUDA");
            requireInt8(cpu);
            model.quantize();
        }
        model.to(device, scalarType());
    }

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("precision: expected auto, fp32, bf16, int8 or fp16, got '" + s + "'");
        }
    }
}
