package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.derain.models.runtime.Natives;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WeightLoaderTest {
    private static final String[] FILES = {"gen_legacy_v2.pkl", "gen_legacy_v1_cuda.pkl", "gen_legacy_v2_cuda.pkl", "gen_zip.pt"};

    @BeforeAll
    static void natives() {
        Natives.ensureLoaded();
    }

    @Test
    void loadsEveryFormatIntoTheGenerator() {
        Module module = GeneratorShapedModule.create();
        float[] expected = PythonFixtures.floats("weights.bin");
        for (String file : FILES) {
            try (StateDict zeros = StateDict.of(module, "model")) { // scribble first, so each load must overwrite
                zeros.tensors().values().forEach(t -> t.detach().zero_());
            }
            WeightLoader.load(module, PythonFixtures.file(file));
            assertArrayEquals(expected, concatenated(module), file);
        }
    }

    @Test
    void wrongShapeNamesFileTensorAndBothShapesAndLoadsNothing() {
        Module module = GeneratorShapedModule.create();
        Map<String, float[]> before = snapshot(module);
        WeightsException e = assertThrows(WeightsException.class,
                () -> WeightLoader.load(module, PythonFixtures.file("gen_wrong_shape.pkl")));
        assertEquals("gen_wrong_shape.pkl: tensor conv1.0.weight has shape [64, 3, 5, 5], the model expects [64, 4, 5, 5]",
                e.getMessage());
        assertUnchanged(before, module);
    }

    @Test
    void missingAndUnexpectedTensorsAreListedAndNothingIsLoaded() {
        Module module = GeneratorShapedModule.create();
        Map<String, float[]> before = snapshot(module);
        try (StateDict weights = StateDict.read(PythonFixtures.file("gen_zip.pt"))) {
            weights.remove("det_conv_mask.0.bias");
            weights.remove("output.0.weight");
            WeightsException missing = assertThrows(WeightsException.class, () -> WeightLoader.load(module, weights));
            assertEquals("gen_zip.pt: tensors do not match the model: 2 missing (det_conv_mask.0.bias, output.0.weight)",
                    missing.getMessage());
            for (int i = 0; i < 7; i++) weights.put("extra" + i + ".weight", torch.zeros(1));
            WeightsException both = assertThrows(WeightsException.class, () -> WeightLoader.load(module, weights));
            assertEquals("gen_zip.pt: tensors do not match the model: 2 missing (det_conv_mask.0.bias, output.0.weight); "
                    + "7 unexpected (extra0.weight, extra1.weight, extra2.weight, extra3.weight, extra4.weight, ... 2 more)",
                    both.getMessage());
        }
        assertUnchanged(before, module);
    }

    @Test
    void loadsASmallSequentialStyleModule() {
        Module module = new Module("small");
        GeneratorShapedModule.sequential(module, "conv1", GeneratorShapedModule.conv(2, 3, 3));
        try (StateDict weights = new StateDict("small.ckpt")) {
            weights.put("conv1.0.weight", torch.arange(new org.bytedeco.pytorch.Scalar(54)).reshape(3, 2, 3, 3));
            weights.put("conv1.0.bias", torch.ones(3));
            WeightLoader.load(module, weights);
            Map<String, float[]> loaded = snapshot(module);
            assertEquals(53f, loaded.get("conv1.0.weight")[53]);
            assertArrayEquals(new float[] {1, 1, 1}, loaded.get("conv1.0.bias"));
            weights.put("conv1.0.bias", torch.ones(4));
            assertEquals("small.ckpt: tensor conv1.0.bias has shape [4], the model expects [3]",
                    assertThrows(WeightsException.class, () -> WeightLoader.load(module, weights)).getMessage());
        }
    }

    private static float[] concatenated(Module module) {
        try (StateDict state = StateDict.of(module, "model")) {
            return state.tensors().values().stream().map(TensorValues::floats)
                    .reduce(new float[0], WeightLoaderTest::concat);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static Map<String, float[]> snapshot(Module module) {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (StateDict state = StateDict.of(module, "model")) {
            state.tensors().forEach((name, tensor) -> values.put(name, TensorValues.floats(tensor)));
        }
        return values;
    }

    private static void assertUnchanged(Map<String, float[]> before, Module module) {
        Map<String, float[]> after = snapshot(module);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, values) -> assertArrayEquals(values, after.get(name), name + " changed"));
    }
}
