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
    FP16(torch.ScalarType.Half);

    private final torch.ScalarType scalarType;

    Precision(torch.ScalarType scalarType) {
        this.scalarType = scalarType;
    }

    public torch.ScalarType scalarType() {
        return scalarType;
    }

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("precision: expected fp32, bf16 or fp16, got '" + s + "'");
        }
    }
}
