package io.derain.models.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.PythonFixtures;
import io.derain.models.weights.StateDict;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint says about how it runs: its gate, and whether its outputs are residual. */
class WeightsMetadataTest {
    private static final GeneratorConfig TINY = new GeneratorConfig("tiny", 4, 1, 2, 8, 16, 32);

    @TempDir
    Path dir;

    @Test
    void plainStateDictsRunTheWholeOutput() {
        Path legacy = PythonFixtures.file("gen_legacy_v2.pkl");
        try (GeneratorModel model = ModelCatalog.fromWeights(legacy, "gen.pkl")) {
            assertEquals(GateSettings.WHOLE_OUTPUT, model.gate());
        }
    }

    @Test
    void gateSettingsTravelWithTheWeights() {
        Path file = dir.resolve("gated.ckpt");
        try (AttentiveGenerator g = new AttentiveGenerator(TINY); StateDict weights = StateDict.of(g, "test")) {
            weights.metadata().putAll(TINY.toMetadata());
            new GateSettings(true, 4, 1.25, 0.35).writeTo(weights.metadata());
            weights.write(file);
        }
        try (GeneratorModel model = ModelCatalog.fromWeights(file, "gated")) {
            assertEquals(new GateSettings(true, 4, 1.25, 0.35), model.gate());
        }
        try (StateDict weights = StateDict.read(file)) {
            weights.metadata().put("gate.floor", "1.5");
            weights.write(dir.resolve("bad-floor.ckpt"));
        }
        ModelLoadException floor = assertThrows(ModelLoadException.class,
                () -> ModelCatalog.fromWeights(dir.resolve("bad-floor.ckpt"), "bad").close());
        assertTrue(floor.getMessage().contains("bad-floor.ckpt") && floor.getMessage().contains("floor"), floor.getMessage());
        try (StateDict weights = StateDict.read(file)) {
            weights.metadata().put("gate.enabled", "sometimes");
            weights.write(dir.resolve("bad.ckpt"));
        }
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelCatalog.fromWeights(dir.resolve("bad.ckpt"), "bad").close());
        assertTrue(e.getMessage().contains("bad.ckpt") && e.getMessage().contains("gate"), e.getMessage());
    }

    /** Residual outputs are part of the architecture; zeroed output layers make such a network the identity. */
    @Test
    void aResidualNetworkWithZeroedOutputsIsTheIdentity() {
        GeneratorConfig residual = TINY.withResidual(true);
        assertEquals(residual, GeneratorConfig.fromMetadata(residual.toMetadata()));
        assertEquals(TINY, GeneratorConfig.fromMetadata(TINY.toMetadata()), "whole-image networks say nothing");
        try (AttentiveGenerator g = new AttentiveGenerator(residual); PointerScope scope = new PointerScope();
             InferenceMode guard = new InferenceMode()) {
            g.zeroOutputs();
            var image = torch.rand(1, 3, 16, 24);
            var out = g.forward(image);
            assertEquals(0, out.image().sub(image).abs().max().item_double(), 1e-6);
            assertEquals(0, out.halfFrame().sub(torch.avg_pool2d(image, 2, 2)).abs().max().item_double(), 1e-6);
        }
    }
}
