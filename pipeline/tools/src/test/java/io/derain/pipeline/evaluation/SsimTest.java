package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SsimTest {
    private static final double C1 = 6.5025, C2 = 58.5225; // (0.01·255)², (0.03·255)²

    @Test
    void identicalImagesScoreOne() {
        double[] a = noise(40, 30, 1);
        assertEquals(1.0, new Ssim().of(a, a.clone(), 40, 30), 1e-12);
    }

    @Test
    void flatImagesReduceToTheLuminanceTerm() {
        // No variance: SSIM = (2ab + C1) / (a² + b² + C1) everywhere.
        double[] a = new double[20 * 15], b = new double[20 * 15];
        Arrays.fill(a, 100);
        Arrays.fill(b, 120);
        double expected = (2 * 100 * 120 + C1) / (100 * 100 + 120 * 120 + C1);
        assertEquals(expected, new Ssim().of(a, b, 20, 15), 1e-12);
    }

    @Test
    void invertedContrastAtEqualMeanGivesTheStructureTerm() {
        // a = 128 + 10·s, b = 128 - 10·s with s = ±1 in a checkerboard. With m the window-weighted mean of s:
        // μa,b = 128 ± 10m, σa² = σb² = v = 100 - (10m)², σab = -v, so SSIM = l · (C2 - 2v) / (C2 + 2v).
        int w = 11, h = 11; // a single window: one value
        double[] a = new double[w * h], b = new double[w * h];
        double[] k = Ssim.gaussian(11, 1.5);
        double mean = 0;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            double s = (x + y) % 2 == 0 ? 1 : -1;
            a[y * w + x] = 128 + 10 * s;
            b[y * w + x] = 128 - 10 * s;
            mean += k[x] * k[y] * s;
        }
        double ma = 128 + 10 * mean, v = 100 - (10 * mean) * (10 * mean);
        double mb = 128 - 10 * mean;
        double expected = (2 * ma * mb + C1) * (-2 * v + C2) / ((ma * ma + mb * mb + C1) * (2 * v + C2));
        assertEquals(expected, new Ssim().of(a, b, w, h), 1e-9);
        assertTrue(expected < 0, "anti-correlated structure");
    }

    @Test
    void gaussianWindowIsNormalisedAndSymmetric() {
        double[] k = Ssim.gaussian(11, 1.5);
        assertEquals(1.0, Arrays.stream(k).sum(), 1e-12);
        assertEquals(k[0], k[10], 0);
        assertEquals(Math.exp(-1 / 4.5), k[4] / k[5], 1e-12); // one pixel from the centre at σ = 1.5
    }

    @Test
    void noiseLowersTheScore() {
        double[] a = noise(64, 48, 2), b = a.clone();
        Random r = new Random(5);
        for (int i = 0; i < b.length; i++) b[i] = Math.max(0, Math.min(255, b[i] + r.nextGaussian() * 20));
        double s = new Ssim().of(a, b, 64, 48);
        assertTrue(s > 0 && s < 0.99, "ssim " + s);
    }

    @Test
    void tooSmallImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Ssim().of(new double[100], new double[100], 10, 10));
    }

    private static double[] noise(int w, int h, long seed) {
        Random r = new Random(seed);
        double[] a = new double[w * h];
        for (int i = 0; i < a.length; i++) a[i] = r.nextInt(256);
        return a;
    }
}
