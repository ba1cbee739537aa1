package io.derain.models.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class NativesTest {
    @Test
    void libtorchLoadsAndComputes() {
        Natives.ensureLoaded();
        Tensor t = torch.ones(2, 3);
        assertEquals(6.0, t.sum().item_double(), 0.0);
    }
}
