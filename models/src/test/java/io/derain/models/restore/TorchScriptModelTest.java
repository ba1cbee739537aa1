package io.derain.models.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.weights.PythonFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TorchScript models exported from PyTorch run through the same contract as the generator. */
class TorchScriptModelTest {

    @Test
    void runsAnExportedImageToImageModel() {
        // scripted.pt: torch.jit.script(nn.Conv2d(3, 3, 1)), written by make_fixtures.py.
        try (RestorationModel model = ModelCatalog.open(PythonFixtures.file("scripted.pt").toString(), null);
             PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            RestorationModel.Restoration r = model.restore(torch.rand(2, 3, 8, 12));
            assertArrayEquals(new long[] {2, 3, 8, 12}, r.image().sizes().vec().get());
            assertNull(r.attention());
            assertTrue(model.describe().contains("scripted.pt"));
        }
    }

    @Test
    void aFileThatIsNoTorchScriptIsRefusedByName(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("model.pt");
        Files.writeString(junk, "junk");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TorchScriptModel.load(junk, 4));
        assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
