package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.runtime.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerainCheckpointTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void natives() {
        Natives.ensureLoaded();
    }

    @Test
    void roundTripsMetadataTypesShapesAndOptimizerState() {
        Path file = dir.resolve("step-100.ckpt");
        try (StateDict state = new StateDict("training")) {
            state.metadata().put("model", "attentive-generator");
            state.metadata().put("config", "{\"recurrent\": 32, \"steps\": 4}");
            state.metadata().put("step", "100");
            state.put("conv1.0.weight", torch.randn(4, 3, 5, 5).transpose(1, 2)); // not contiguous
            state.put("conv1.0.bias", torch.randn(4));
            state.put("optimizer.exp_avg.conv1.0.bias", torch.tensor(new float[] {1.5f, -2.25f}).to(ScalarType.Double));
            state.put("optimizer.step", torch.tensor(new long[] {100L, 7L}));
            state.put("empty", torch.zeros(0, 3));
            state.write(file);

            try (StateDict read = StateDict.read(file)) {
                assertEquals("step-100.ckpt", read.source());
                assertEquals(state.metadata(), read.metadata());
                assertEquals(List.copyOf(state.tensors().keySet()), List.copyOf(read.tensors().keySet()));
                for (Map.Entry<String, Tensor> entry : state.tensors().entrySet()) {
                    Tensor back = read.get(entry.getKey());
                    assertEquals(entry.getValue().scalar_type().intern(), back.scalar_type().intern(), entry.getKey());
                    assertArrayEquals(TensorValues.shape(entry.getValue()), TensorValues.shape(back), entry.getKey());
                    assertArrayEquals(TensorValues.floats(entry.getValue()), TensorValues.floats(back), entry.getKey());
                }
                assertEquals(7L, read.get("optimizer.step").get(1).item_long());
            }
        }
        assertEquals(List.of(file), files(), "no temporary file left behind");
    }

    @Test
    void roundTripsTheGeneratorWeightsAndStripsDataParallelPrefixes() {
        Path file = dir.resolve("gen.ckpt");
        try (StateDict original = StateDict.read(PythonFixtures.file("gen_legacy_v2.pkl"));
             StateDict prefixed = new StateDict("prefixed")) {
            original.tensors().forEach((name, tensor) -> prefixed.put("module." + name, new Tensor(tensor)));
            prefixed.write(file);
            prefixed.write(file); // replaces the existing file
            try (StateDict read = StateDict.read(file)) {
                assertEquals(List.copyOf(original.tensors().keySet()), List.copyOf(read.tensors().keySet()));
                original.tensors().forEach((name, tensor) ->
                        assertArrayEquals(TensorValues.floats(tensor), TensorValues.floats(read.get(name)), name));
            }
        }
    }

    @Test
    void truncatedAndCorruptCheckpointsAreReported() throws IOException {
        Path file = dir.resolve("small.ckpt");
        try (StateDict state = new StateDict("small")) {
            state.put("weight", torch.ones(64, 64));
            state.write(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.ckpt"), Arrays.copyOf(bytes, bytes.length / 2));
        int headerBytes = 8 + 4 + 4 + 4 + (4 + "weight".length()) + 1 + 1 + 2 * 8; // magic .. the tensor's shape
        assertEquals("cut.ckpt: truncated: tensor weight expects 16384 bytes, only " + (bytes.length / 2 - headerBytes) + " left",
                BadFilesTest.message(cut));
        Path noChecksum = Files.write(dir.resolve("nosum.ckpt"), Arrays.copyOf(bytes, bytes.length - 4));
        assertEquals("nosum.ckpt: truncated: the checksum is missing", BadFilesTest.message(noChecksum));
        bytes[bytes.length / 2] ^= 1;
        Path flipped = Files.write(dir.resolve("flipped.ckpt"), bytes);
        assertEquals("flipped.ckpt: corrupt: checksum mismatch", BadFilesTest.message(flipped));
        Path header = Files.write(dir.resolve("header.ckpt"), Arrays.copyOf(bytes, 14));
        assertTrue(BadFilesTest.message(header).startsWith("header.ckpt: truncated"), BadFilesTest.message(header));
    }

    private List<Path> files() {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
