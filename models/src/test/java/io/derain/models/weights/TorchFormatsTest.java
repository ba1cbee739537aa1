package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every PyTorch format the Python side wrote reads back to exactly the tensors it dumped raw. */
class TorchFormatsTest {

    @ParameterizedTest
    @ValueSource(strings = {"gen_legacy_v2.pkl", "gen_legacy_v1_cuda.pkl", "gen_legacy_v2_cuda.pkl", "gen_zip.pt", "gen_zip_dict.pt"})
    void readsTheTensorsPythonSaved(String fileName) {
        Map<String, long[]> expectedShapes = PythonFixtures.weightShapes();
        float[] expected = PythonFixtures.floats("weights.bin");
        try (StateDict state = StateDict.read(PythonFixtures.file(fileName))) {
            assertEquals(fileName, state.source());
            assertEquals(List.copyOf(expectedShapes.keySet()), List.copyOf(state.tensors().keySet()), "names, in order");
            int offset = 0;
            for (Map.Entry<String, long[]> entry : expectedShapes.entrySet()) {
                Tensor tensor = state.get(entry.getKey());
                assertArrayEquals(entry.getValue(), TensorValues.shape(tensor), entry.getKey());
                assertEquals(ScalarType.Float, tensor.scalar_type().intern());
                assertTrue(tensor.is_contiguous() && tensor.is_cpu(), entry.getKey());
                float[] actual = TensorValues.floats(tensor);
                for (int i = 0; i < actual.length; i++) {
                    if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[offset + i])) {
                        throw new AssertionError(fileName + ": " + entry.getKey() + "[" + i + "] = " + actual[i]
                                + ", Python saved " + expected[offset + i]);
                    }
                }
                offset += actual.length;
            }
            assertEquals(expected.length, offset);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixed_types.pt", "mixed_types_legacy.pkl"})
    void convertsFloatingTypesToFloat32AndKeepsIntegers(String fileName) {
        float[] expected = PythonFixtures.floats("mixed_types.bin");
        try (StateDict state = StateDict.read(PythonFixtures.file(fileName))) {
            assertEquals(List.of("half", "double", "steps", "transposed"), List.copyOf(state.tensors().keySet()));
            assertEquals(ScalarType.Float, state.get("half").scalar_type().intern());
            assertEquals(ScalarType.Float, state.get("double").scalar_type().intern());
            assertEquals(ScalarType.Long, state.get("steps").scalar_type().intern());
            assertArrayEquals(new long[] {4, 3}, TensorValues.shape(state.get("transposed")));
            float[] actual = state.tensors().values().stream().map(TensorValues::floats)
                    .reduce(new float[0], (a, b) -> {
                        float[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
                        System.arraycopy(b, 0, joined, a.length, b.length);
                        return joined;
                    });
            assertArrayEquals(expected, actual);
        }
    }
}
