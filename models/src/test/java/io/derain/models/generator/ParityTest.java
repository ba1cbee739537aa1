package io.derain.models.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.ModelCatalog;
import io.derain.models.restore.RestorationModel;
import org.bytedeco.pytorch.Device;
import io.derain.models.weights.PythonFixtures;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java generator against an independent PyTorch definition of the same network (src/test/python),
 * same weights, same input: every output of the paper (four attention maps, 1/4- and 1/2-scale frames,
 * the image) agrees to 1e-4, for every weight-file format the product reads.
 */
class ParityTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"gen_legacy_v2.pkl", "gen_legacy_v1_cuda.pkl", "gen_legacy_v2_cuda.pkl", "gen_zip.pt",
            "gen_zip_dict.pt"})
    void javaGeneratorMatchesPyTorch(String weightsFile) {
        try (GeneratorModel model = ModelCatalog.fromWeights(PythonFixtures.file(weightsFile), weightsFile)) {
            assertSame(GeneratorConfig.PAPER, model.generator().config(), "architecture inferred from the weights");
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                GeneratorOutput out = model.generator().forward(tensor("input.bin", 1, 3, 24, 32));
                List<String> report = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    compare("attention" + (t + 1) + ".bin", out.attentionMaps().get(t), report);
                }
                compare("frame_quarter.bin", out.quarterFrame(), report);
                compare("frame_half.bin", out.halfFrame(), report);
                compare("image.bin", out.image(), report);
                assertEquals(List.of(), report, "outputs differing from PyTorch by more than " + TOLERANCE);
            }
        }
    }

    /**
     * The inference path (weights and input in channels-last layout, intermediates overwritten in place) and
     * the training path (autograd on, nothing in place) agree with PyTorch too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inference", "autograd"})
    void everyExecutionPathMatchesPyTorch(String path) {
        try (GeneratorModel model = ModelCatalog.fromWeights(PythonFixtures.file("gen_zip.pt"), "gen_zip.pt");
             PointerScope scope = new PointerScope()) {
            List<String> report = new ArrayList<>();
            if (path.equals("inference")) {
                model.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Float);
                try (InferenceMode guard = new InferenceMode()) {
                    RestorationModel.Restoration r = model.restore(tensor("input.bin", 1, 3, 24, 32));
                    compare("attention4.bin", r.attention(), report);
                    compare("image.bin", r.image(), report);
                }
            } else {
                Tensor input = tensor("input.bin", 1, 3, 24, 32);
                GeneratorOutput out = model.generator().forward(input);
                assertTrue(out.image().requires_grad(), "autograd records the pass");
                for (int t = 0; t < 4; t++) compare("attention" + (t + 1) + ".bin", out.attentionMaps().get(t).detach(), report);
                compare("image.bin", out.image().detach(), report);
                out.image().sum().backward(); // the graph is intact although every intermediate handle was freed
            }
            assertEquals(List.of(), report, "outputs differing from PyTorch by more than " + TOLERANCE);
        }
    }

    private static void compare(String fixture, Tensor actual, List<String> report) {
        float[] expected = PythonFixtures.floats(fixture);
        Tensor a = actual.contiguous();
        assertEquals(expected.length, a.numel(), fixture + " size");
        float[] got = new float[expected.length];
        new FloatPointer(a.data_ptr_float()).get(got);
        double maxDiff = 0;
        for (int i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
        assertTrue(Double.isFinite(maxDiff), fixture + " has non-finite values");
        if (maxDiff > TOLERANCE) report.add(fixture + ": max abs difference " + maxDiff);
    }

    private static Tensor tensor(String fixture, long... shape) {
        float[] values = PythonFixtures.floats(fixture);
        assertArrayEquals(new long[] {values.length}, new long[] {java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y)});
        FloatPointer data = new FloatPointer(values);
        return torch.from_blob(data, shape, new TensorOptions(torch.ScalarType.Float)).clone();
    }
}
