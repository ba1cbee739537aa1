package io.derain.models.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantizationTest {
    /** 0 is exact (ReLU outputs and padding are zeros), the observed range spans 0..255. */
    @Test
    void coversTheRangeWithZeroExact() {
        Quantization relu = Quantization.covering(0, 2.55);
        assertEquals(0.01, relu.scale(), 1e-12);
        assertEquals(0, relu.zeroPoint());
        Quantization signed = Quantization.covering(-1, 1);
        assertEquals(2.0 / 255, signed.scale(), 1e-12);
        assertEquals(128, signed.zeroPoint());
        Quantization positive = Quantization.covering(2, 3); // widened down to 0
        assertEquals(3.0 / 255, positive.scale(), 1e-12);
        assertEquals(0, positive.zeroPoint());
        Quantization negative = Quantization.covering(-5, -1); // widened up to 0
        assertEquals(255, negative.zeroPoint());
        assertEquals(1e-6 / 255, Quantization.covering(0, 0).scale(), 1e-15, "a constant point keeps a usable scale");
    }
}
