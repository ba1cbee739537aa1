package io.derain.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.derain.models.generator.GeneratorOutput;
import io.derain.models.runtime.Natives;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The drop term weighs the error inside the mask alone, however little of the crop the mask covers. */
class GeneratorLossTest {
    private static final int S = 32;

    @BeforeAll
    static void natives() {
        Natives.ensureLoaded();
    }

    /** A 1 x 3 x S x S output that is the clean picture plus {@code inside} under the mask and {@code outside} elsewhere. */
    private static GeneratorOutput output(Tensor clean, Tensor mask, double inside, double outside) {
        Tensor image = clean.add(mask.mul(new Scalar(inside))).add(torch.ones_like(mask).sub(mask).mul(new Scalar(outside)));
        return new GeneratorOutput(List.of(mask), torch.avg_pool2d(clean, 4, 4), torch.avg_pool2d(clean, 2, 2), image);
    }

    @Test
    void theDropTermIsTheMeanErrorInsideTheMask() {
        Tensor clean = torch.full(new long[] {1, 3, S, S}, new Scalar(0.5));
        // A drop of 4 x 4 pixels: 1/64 of the crop.
        Tensor mask = torch.zeros(1, 1, S, S);
        mask.narrow(2, 8, 4).narrow(3, 8, 4).fill_(new Scalar(1));
        TrainingBatch batch = new TrainingBatch(clean, clean, mask);

        GeneratorLoss.Terms terms = new GeneratorLoss(1, 2).compute(output(clean, mask, 0.2, 0.0), batch);
        assertEquals(0.2, terms.drops().item_double(), 1e-4, "the error inside the drop, not diluted by the crop");
        assertEquals(0.2 / 64, terms.reconstruction().item_double(), 1e-5, "the whole-crop L1 dilutes it 64 times");
        double withoutDrops = new GeneratorLoss(1).compute(output(clean, mask, 0.2, 0.0), batch).total().item_double();
        assertEquals(withoutDrops + 2 * 0.2, terms.total().item_double(), 1e-4, "weighted into the total");

        GeneratorLoss.Terms outside = new GeneratorLoss(1, 2).compute(output(clean, mask, 0.0, 0.1), batch);
        assertEquals(0, outside.drops().item_double(), 1e-6, "an error outside the drops is not its business");
        assertNull(new GeneratorLoss(1).compute(output(clean, mask, 0.2, 0.0), batch).drops(), "off by default");

        GeneratorLoss.Terms dry = new GeneratorLoss(1, 2).compute(output(clean, torch.zeros(1, 1, S, S), 0, 0.1),
                new TrainingBatch(clean, clean, torch.zeros(1, 1, S, S)));
        assertEquals(0, dry.drops().item_double(), 1e-6, "a crop without drops adds nothing");
    }
}
