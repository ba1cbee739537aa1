package io.derain.operators.derain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gate's max filter gives exactly what max_pool2d gives once both are clamped to [0, 1], as the gate clamps. */
class SlidingMaxTest {

    @ParameterizedTest
    @CsvSource({"1, 24, 32", "2, 24, 32", "3, 7, 9", "5, 36, 64", "5, 8, 4", "7, 15, 16", "12, 40, 40"})
    void matchesMaxPoolAfterClamping(int radius, int height, int width) {
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            torch.manual_seed(radius * 1000L + height);
            // Unclamped like the model's map: negative values too, so the padding matters at the borders.
            Tensor map = torch.rand(2, 1, height, width).mul(new Scalar(1.6)).sub(new Scalar(0.4));
            int side = 2 * radius + 1;
            Tensor pooled = torch.max_pool2d(torch.max_pool2d(map, new long[] {1, side}, new long[] {1, 1},
                            new long[] {0, radius}, new long[] {1, 1}, false),
                    new long[] {side, 1}, new long[] {1, 1}, new long[] {radius, 0}, new long[] {1, 1}, false);
            Tensor filtered = new SlidingMax(radius).apply(map);
            ScalarOptional zero = new ScalarOptional(new Scalar(0.0)), one = new ScalarOptional(new Scalar(1.0));
            double diff = filtered.clamp(zero, one).sub(pooled.clamp(zero, one)).abs().max().item().toDouble();
            assertEquals(0.0, diff, "radius " + radius + " on " + height + "x" + width);
        }
    }
}
