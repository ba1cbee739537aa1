package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PsnrTest {
    @Test
    void identicalImagesScoreTheCap() {
        double[] a = {1, 2, 3, 250};
        assertEquals(Psnr.MAX_DB, Psnr.of(a, a.clone(), 4));
    }

    @Test
    void constantOffsetGivesTheExactValue() {
        double[] a = new double[100], b = new double[100];
        Arrays.fill(a, 100);
        Arrays.fill(b, 105); // MSE 25: 10 log10(65025 / 25) = 34.1514 dB
        assertEquals(20 * Math.log10(255 / 5.0), Psnr.of(a, b, 100), 1e-12);
        assertEquals(34.1514, Psnr.of(a, b, 100), 1e-4);
        Arrays.fill(b, 0, 50, 100); // half the pixels off by 5: MSE 12.5, 3.0103 dB better
        assertEquals(10 * Math.log10(65025 / 12.5), Psnr.of(a, b, 100), 1e-12);
    }

    @Test
    void fullScaleErrorIsZeroDb() {
        assertEquals(0, Psnr.of(new double[] {0, 0}, new double[] {255, 255}, 2), 1e-12);
    }
}
