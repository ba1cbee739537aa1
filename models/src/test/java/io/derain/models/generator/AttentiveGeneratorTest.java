package io.derain.models.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AttentiveGeneratorTest {

    @Test
    void paperConfigurationHasTheReleasedParameterCountAndNames() {
        AttentiveGenerator g = new AttentiveGenerator(GeneratorConfig.PAPER);
        StringTensorDict params = g.named_parameters();
        long count = 0;
        Set<String> names = new HashSet<>();
        for (long i = 0; i < params.size(); i++) {
            StringTensorDictItem item = params.get(i);
            names.add(item.key().getString());
            count += item.value().numel();
        }
        assertEquals(6_244_362L, count);
        for (String expected : new String[] {"det_conv0.0.weight", "det_conv1.0.weight", "det_conv5.2.bias",
                "conv_i.0.weight", "conv_o.0.bias", "det_conv_mask.0.weight", "conv1.0.weight",
                "diconv4.0.weight", "outframe1.0.bias", "deconv1.0.weight", "deconv2.0.bias", "output.0.weight"}) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
        assertEquals(70, names.size());
        g.close();
    }

    @Test
    void forwardProducesEveryOutputOfThePaperAtItsScale() {
        AttentiveGenerator g = new AttentiveGenerator(GeneratorConfig.LITE);
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            GeneratorOutput out = g.forward(torch.rand(2, 3, 24, 32));
            assertEquals(GeneratorConfig.LITE.steps(), out.attentionMaps().size());
            assertArrayEquals(new long[] {2, 1, 24, 32}, out.finalAttention().sizes().vec().get());
            assertArrayEquals(new long[] {2, 3, 6, 8}, out.quarterFrame().sizes().vec().get());
            assertArrayEquals(new long[] {2, 3, 12, 16}, out.halfFrame().sizes().vec().get());
            assertArrayEquals(new long[] {2, 3, 24, 32}, out.image().sizes().vec().get());
        }
        g.close();
    }

    @Test
    void survivesGarbageCollectionOfItsContainers() throws InterruptedException {
        AttentiveGenerator g = new AttentiveGenerator(GeneratorConfig.LITE);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        // train()/eval() call back into every child module's Java peer.
        g.eval();
        g.train(true);
        assertTrue(g.is_training());
        g.close();
    }

    @Test
    void refusesSizesThatAreNotMultiplesOfFour() {
        AttentiveGenerator g = new AttentiveGenerator(GeneratorConfig.LITE);
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            Tensor odd = torch.rand(1, 3, 22, 32);
            assertThrows(IllegalArgumentException.class, () -> g.forward(odd));
        }
        g.close();
    }
}
