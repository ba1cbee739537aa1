package io.derain.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Colour jitter is seeded, varies exposure both ways, keeps the picture's structure, and leaves drops alone. */
class ColorJitterTest {

    private static double meanLuma(ByteBuffer bgr, int pixels) {
        double sum = 0;
        for (int i = 0; i < pixels * 3; i += 3) {
            sum += 0.114 * (bgr.get(i) & 0xFF) + 0.587 * (bgr.get(i + 1) & 0xFF) + 0.299 * (bgr.get(i + 2) & 0xFF);
        }
        return sum / pixels;
    }

    @Test
    void seededVariedAndStructurePreserving() {
        CleanImage scene = TrainerTest.scenes().get(0);
        int pixels = scene.width() * scene.height();
        ColorJitter jitter = new ColorJitter();
        ByteBuffer a = ByteBuffer.allocateDirect(pixels * 3), b = ByteBuffer.allocateDirect(pixels * 3);
        jitter.apply(scene.pixels(), a, pixels, new SplittableRandom(7));
        jitter.apply(scene.pixels(), b, pixels, new SplittableRandom(7));
        assertEquals(a, b, "same seed, different pictures");

        double source = meanLuma(scene.pixels(), pixels), darkest = 255, brightest = 0;
        for (long seed = 0; seed < 40; seed++) {
            jitter.apply(scene.pixels(), a, pixels, new SplittableRandom(seed));
            double m = meanLuma(a, pixels);
            darkest = Math.min(darkest, m);
            brightest = Math.max(brightest, m);
            // Every channel of the jittered picture still follows some channel of the source: a colour curve,
            // not noise (saturation mixes channels a little, so not 1).
            assertTrue(bestChannelCorrelation(scene.pixels(), a, pixels) > 0.75, "seed " + seed + " scrambles the picture");
        }
        assertTrue(darkest < source - 15 && brightest > source + 15,
                "exposure does not vary both ways: " + darkest + " .. " + brightest + " around " + source);
    }

    /** The lowest, over output channels, of the best |correlation| with any source channel. */
    private static double bestChannelCorrelation(ByteBuffer src, ByteBuffer out, int pixels) {
        double worst = 1;
        for (int oc = 0; oc < 3; oc++) {
            double best = 0;
            for (int sc = 0; sc < 3; sc++) best = Math.max(best, Math.abs(correlation(src, sc, out, oc, pixels)));
            worst = Math.min(worst, best);
        }
        return worst;
    }

    private static double correlation(ByteBuffer x, int xc, ByteBuffer y, int yc, int pixels) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int p = 0; p < pixels; p++) {
            double u = x.get(p * 3 + xc) & 0xFF, v = y.get(p * 3 + yc) & 0xFF;
            sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v;
        }
        double cov = sxy / pixels - sx * sy / pixels / pixels;
        return cov / Math.sqrt((sxx / pixels - sx * sx / pixels / pixels) * (syy / pixels - sy * sy / pixels / pixels) + 1e-9);
    }

    @Test
    void jitterChangesColoursButNotTheDropsOrCrops() {
        List<CleanImage> scenes = TrainerTest.scenes();
        try (SyntheticPairs plain = new SyntheticPairs(scenes, 5, false);
             SyntheticPairs jittered = new SyntheticPairs(scenes, 5, true);
             PointerScope scope = new PointerScope()) {
            TrainingBatch p = plain.batch(3, 8, 32), j = jittered.batch(3, 8, 32);
            assertTrue(torch.equal(p.mask(), j.mask()), "jitter moved the drops");
            assertTrue(p.mask().sum().item_double() > 0, "no drops to compare");
            Tensor cleanDiff = p.clean().sub(j.clean()).abs().mean();
            assertNotEquals(0.0, cleanDiff.item_double(), "jitter left the colours alone");
            TrainingBatch again = jittered.batch(3, 8, 32);
            assertTrue(torch.equal(j.rainy(), again.rainy()) && torch.equal(j.clean(), again.clean()), "not reproducible");
        }
    }
}
