package io.derain.operators.derain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.restore.GeneratorModel;
import io.derain.models.restore.RestorationModel;
import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class DerainOperatorTest {

    /** Returns its input and a map of the blue channel: exercises conversion, padding and cropping exactly. */
    private static final class IdentityModel implements RestorationModel {
        int calls;
        long[] lastShape;

        @Override public Restoration restore(Tensor image) {
            calls++;
            lastShape = image.sizes().vec().get();
            return new Restoration(image, image.narrow(1, 0, 1));
        }
        @Override public void to(Device device, torch.ScalarType dtype) {}
        @Override public String describe() { return "identity"; }
        @Override public void close() {}
    }

    private static DerainSettings settings(int batch, long maxPixels) {
        return DerainSettings.defaults().withBatch(batch).withMaxPixels(maxPixels).withGate(GateChoice.of(AttentionGate.widenedBy(0)));
    }

    private static VideoFrame randomFrame(int w, int h, long seed) {
        VideoFrame f = new VideoFrame(w, h);
        byte[] bytes = new byte[w * h * 3];
        new Random(seed).nextBytes(bytes);
        f.pixels().put(bytes);
        return f;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void oddSizedFramesRoundTripExactlyThroughPaddingAndCropping() {
        IdentityModel identity = new IdentityModel();
        try (DerainOperator op = new DerainOperator(identity, ComputeDevice.select(ComputeDevice.Kind.CPU), settings(4, 1 << 24))) {
            List<VideoFrame> batch = List.of(randomFrame(37, 29, 1), randomFrame(37, 29, 2), randomFrame(37, 29, 3));
            byte[][] before = batch.stream().map(f -> bytes(f.pixels())).toArray(byte[][]::new);
            op.apply(batch);
            assertEquals(1, identity.calls);
            assertEquals(List.of(3L, 3L, 32L, 40L), List.of(identity.lastShape[0], identity.lastShape[1],
                    identity.lastShape[2], identity.lastShape[3]));
            for (int i = 0; i < batch.size(); i++) {
                VideoFrame f = batch.get(i);
                assertEquals(37, f.width());
                assertEquals(29, f.height());
                assertTrue(java.util.Arrays.equals(before[i], bytes(f.pixels())), "frame " + i + " changed");
                ByteBuffer map = f.attention();
                assertNotNull(map);
                // The map is the blue channel: byte for byte.
                for (int p = 0; p < 37 * 29; p++) assertEquals(before[i][3 * p], map.get(p));
            }
        }
    }

    @Test
    void generatorRewritesFramesAndAttachesItsAttentionMap() {
        torch.manual_seed(7);
        var model = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.LITE), "random init (test)");
        // The whole network output: an untrained attention map is near zero, so the gate would pass the frame.
        var whole = DerainSettings.defaults().withBatch(2).withMaxPixels(1 << 24).withGate(GateChoice.of(AttentionGate.OFF));
        try (DerainOperator op = new DerainOperator(model, ComputeDevice.select(ComputeDevice.Kind.CPU), whole)) {
            VideoFrame f = randomFrame(50, 30, 4);
            byte[] before = bytes(f.pixels());
            op.apply(List.of(f));
            assertNotNull(f.attention());
            assertTrue(!java.util.Arrays.equals(before, bytes(f.pixels())), "frame unchanged");
        }
    }

    @Test
    void refusesFramesOutsideTheSizeLimits() {
        try (DerainOperator op = new DerainOperator(new IdentityModel(), ComputeDevice.select(ComputeDevice.Kind.CPU), settings(1, 1000))) {
            assertThrows(SettingsException.class, () -> op.checkFrameSize(100, 100));
            assertThrows(SettingsException.class, () -> op.checkFrameSize(2, 100));
            op.checkFrameSize(40, 25);
        }
    }

    private static DerainOperator identityOperator(DerainSettings settings) {
        return new DerainOperator(new IdentityModel(), ComputeDevice.select(ComputeDevice.Kind.CPU), settings);
    }

    @Test
    void tilesBlendBackToTheExactFrame() {
        // Identity per tile: any blending error (weights not summing to one, gaps) would show.
        try (DerainOperator op = identityOperator(DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withTiles(48, 12).withGate(GateChoice.of(AttentionGate.widenedBy(0))))) {
            VideoFrame f = randomFrame(130, 70, 5);
            byte[] before = bytes(f.pixels());
            op.apply(List.of(f));
            assertTrue(java.util.Arrays.equals(before, bytes(f.pixels())), "tiled identity changed pixels");
            assertNotNull(f.attention());
        }
    }

    @Test
    void workResolutionKeepsFullResolutionDetailWhereTheModelChangesNothing() {
        try (DerainOperator op = identityOperator(DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withWorkSize(32, 20).withGate(GateChoice.of(AttentionGate.widenedBy(0))))) {
            VideoFrame f = randomFrame(128, 72, 6);
            byte[] before = bytes(f.pixels());
            op.apply(List.of(f));
            assertTrue(java.util.Arrays.equals(before, bytes(f.pixels())), "noise detail lost at work resolution");
            assertEquals(128 * 72, f.attention().remaining());
        }
    }

    @Test
    void bf16StaysCloseToFp32() {
        byte[][] results = new byte[2][];
        Precision[] precisions = {Precision.FP32, Precision.BF16};
        for (int i = 0; i < 2; i++) {
            torch.manual_seed(11);
            var model = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.LITE), "random init (test)");
            try (DerainOperator op = new DerainOperator(model, ComputeDevice.select(ComputeDevice.Kind.CPU),
                    DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withPrecision(precisions[i]).withGate(GateChoice.of(AttentionGate.widenedBy(0))))) {
                VideoFrame f = randomFrame(64, 48, 8);
                op.apply(List.of(f));
                results[i] = bytes(f.pixels());
            }
        }
        double sum = 0;
        for (int p = 0; p < results[0].length; p++) sum += Math.abs((results[0][p] & 0xff) - (results[1][p] & 0xff));
        double mean = sum / results[0].length;
        assertTrue(mean < 3.0, "bf16 differs from fp32 by " + mean + " on average");
    }

    /**
     * The batch ring on the CPU (the same slots and order the CUDA path uses): two batches in flight, each
     * completed in order with the results a plain apply() gives, and the ring refuses a third.
     */
    @Test
    void pipelinedBatchesCompleteInOrderWithApplysResults() {
        List<List<VideoFrame>> batches = List.of(
                List.of(randomFrame(40, 32, 1), randomFrame(40, 32, 2)),
                List.of(randomFrame(40, 32, 3)),
                List.of(randomFrame(24, 16, 4), randomFrame(24, 16, 5)));
        List<List<VideoFrame>> copies = batches.stream().map(b -> b.stream().map(f -> {
            VideoFrame c = new VideoFrame(f.width(), f.height());
            c.pixels().put(f.pixels());
            return c;
        }).toList()).toList();
        ComputeDevice cpu = ComputeDevice.select(ComputeDevice.Kind.CPU);
        torch.manual_seed(5);
        var model = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.LITE), "random init (test)");
        var sameModel = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.LITE), "copy (test)");
        try (var weights = io.derain.models.weights.StateDict.of(model.generator(), "test")) {
            io.derain.models.weights.WeightLoader.load(sameModel.generator(), weights);
        }
        try (DerainOperator ring = new DerainOperator(model, cpu, settings(2, 1 << 24).withPipelineDepth(2));
             DerainOperator plain = new DerainOperator(sameModel, cpu, settings(2, 1 << 24))) {
            assertEquals(2, ring.pipelineDepth());
            assertEquals(1, plain.pipelineDepth(), "one slot on the CPU unless asked");
            for (List<VideoFrame> b : copies) plain.apply(b);

            ring.submit(batches.get(0));
            ring.submit(batches.get(1));
            assertThrows(IllegalStateException.class, () -> ring.submit(batches.get(2)), "the ring is full");
            assertThrows(IllegalStateException.class, () -> ring.apply(batches.get(2)), "apply with batches in flight");
            ring.complete();
            ring.submit(batches.get(2)); // a new size in a reused slot
            ring.complete();
            ring.complete();
            assertThrows(IllegalStateException.class, ring::complete, "nothing left in flight");

            for (int b = 0; b < batches.size(); b++) {
                for (int i = 0; i < batches.get(b).size(); i++) {
                    VideoFrame got = batches.get(b).get(i), want = copies.get(b).get(i);
                    assertTrue(java.util.Arrays.equals(bytes(want.pixels()), bytes(got.pixels())), "batch " + b + " frame " + i);
                    assertTrue(java.util.Arrays.equals(bytes(want.attention()), bytes(got.attention())), "map " + b + "/" + i);
                }
            }
        }
    }

    /** A model that cannot be moved to its device (a full GPU, say) is closed with what was built around it. */
    @Test
    void aModelThatCannotBeMovedIsClosedAndTheErrorKept() {
        int[] closed = {0};
        RestorationModel full = new RestorationModel() {
            @Override public Restoration restore(Tensor image) { throw new AssertionError("never run"); }
            @Override public void to(Device device, torch.ScalarType dtype) { throw new IllegalStateException("out of memory"); }
            @Override public String describe() { return "too big"; }
            @Override public void close() { closed[0]++; }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DerainOperator(full, ComputeDevice.select(ComputeDevice.Kind.CPU), settings(2, 1 << 20)));
        assertEquals("out of memory", e.getMessage());
        assertEquals(1, closed[0], "the model is closed once");
    }

    /** Outputs black, with the attention map {@code map} makes of the input's first channel (zeros, N×1×H×W). */
    private record BlackModel(String describe, UnaryOperator<Tensor> map) implements RestorationModel {
        @Override public Restoration restore(Tensor image) {
            return new Restoration(torch.zeros_like(image), map.apply(torch.zeros_like(image.narrow(1, 0, 1))));
        }
        @Override public void to(Device device, torch.ScalarType dtype) {}
        @Override public void close() {}
    }

    /** Black, with an attention map of 0 on the left half and 1 on the right half. */
    private static BlackModel blackRightHalf() {
        return new BlackModel("black right half", map -> {
            long w = map.size(3);
            try (Scalar one = new Scalar(1.0)) {
                map.narrow(3, w / 2, w - w / 2).fill_(one);
            }
            return map;
        });
    }

    /** Black, with an attention map of {@code level} everywhere. */
    private static BlackModel blackWithMap(double level) {
        return new BlackModel("black, map " + level, map -> {
            try (Scalar value = new Scalar(level)) {
                map.fill_(value);
            }
            return map;
        });
    }

    /**
     * The gate keeps what the map calls clear bit for bit and takes the network's output where it says drop;
     * widened by g pixels, it also takes the g columns next to the drop side.
     */
    @Test
    void theAttentionGatePassesClearPixelsThrough() {
        ComputeDevice cpu = ComputeDevice.select(ComputeDevice.Kind.CPU);
        AttentionGate[] gates = {AttentionGate.widenedBy(0), AttentionGate.widenedBy(3), AttentionGate.OFF};
        int[] clearColumns = {16, 13, 0};
        for (int g = 0; g < gates.length; g++) {
            DerainSettings s = DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withGate(GateChoice.of(gates[g]));
            try (DerainOperator op = new DerainOperator(blackRightHalf(), cpu, s)) {
                VideoFrame f = randomFrame(32, 8, 9);
                byte[] before = bytes(f.pixels());
                op.apply(List.of(f));
                byte[] after = bytes(f.pixels());
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 32; x++) {
                        for (int c = 0; c < 3; c++) {
                            int i = (y * 32 + x) * 3 + c;
                            byte want = x < clearColumns[g] ? before[i] : 0;
                            assertEquals(want, after[i], gates[g] + " at " + x + "," + y);
                        }
                    }
                }
                assertTrue(op.describe().contains(gates[g].enabled() ? "attention-gated" : "whole network output"), op.describe());
                // The map that comes out with the frame is the model's own, not the widened gate.
                byte[] map = bytes(f.attention());
                assertEquals(0, map[15]);
                assertEquals((byte) 255, map[16]);
            }
        }
    }

    /** The gain scales the map before clamping: 0.4 takes 40 % of the restoration at gain 1, 80 % at 2, all at 3. */
    @Test
    void theGateGainTakesMoreOfTheRestorationWhereTheMapIsUnsure() {
        ComputeDevice cpu = ComputeDevice.select(ComputeDevice.Kind.CPU);
        double[] gains = {1, 2, 3};
        double[] kept = {0.6, 0.2, 0};
        for (int g = 0; g < gains.length; g++) {
            AttentionGate gate = AttentionGate.of(2, gains[g]);
            DerainSettings s = DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withGate(GateChoice.of(gate));
            try (DerainOperator op = new DerainOperator(blackWithMap(0.4), cpu, s)) {
                VideoFrame f = randomFrame(16, 8, 11);
                byte[] before = bytes(f.pixels());
                op.apply(List.of(f));
                byte[] after = bytes(f.pixels());
                for (int i = 0; i < before.length; i++) {
                    double want = (before[i] & 0xff) * kept[g];
                    assertEquals(want, after[i] & 0xff, 1.0, gate + " at byte " + i);
                }
                assertEquals(102, bytes(f.attention())[0] & 0xff, "the map leaves as the model made it, not gained");
            }
        }
        assertThrows(SettingsException.class, () -> AttentionGate.of(1, 0));
        assertThrows(SettingsException.class, () -> AttentionGate.of(1, Double.NaN));
        assertEquals("attention-gated output (map widened by 5 px, gain 1.5)", AttentionGate.DEFAULT.toString());
    }

    /**
     * The floor keeps the map's faint levels out: at floor 0.5 a map of 0.4 passes the frame through bit for bit,
     * at floor 0.2 (gain 1) it takes (0.4 − 0.2) / 0.8 = a quarter of the restoration.
     */
    @Test
    void theGateFloorPassesFaintMapLevelsThrough() {
        ComputeDevice cpu = ComputeDevice.select(ComputeDevice.Kind.CPU);
        double[] floors = {0.5, 0.2};
        double[] kept = {1, 0.75};
        for (int k = 0; k < floors.length; k++) {
            AttentionGate gate = AttentionGate.of(0, 1, floors[k]);
            DerainSettings s = DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withGate(GateChoice.of(gate));
            try (DerainOperator op = new DerainOperator(blackWithMap(0.4), cpu, s)) {
                VideoFrame f = randomFrame(16, 8, 12);
                byte[] before = bytes(f.pixels());
                op.apply(List.of(f));
                byte[] after = bytes(f.pixels());
                for (int i = 0; i < before.length; i++) {
                    assertEquals((before[i] & 0xff) * kept[k], after[i] & 0xff, k == 0 ? 0 : 1.0, gate + " at byte " + i);
                }
            }
        }
        assertThrows(SettingsException.class, () -> AttentionGate.of(1, 1, 1));
        assertThrows(SettingsException.class, () -> AttentionGate.of(1, 1, -0.1));
        assertEquals("attention-gated output (map widened by 3 px, gain 1.5, floor 0.4)", AttentionGate.of(3, 1.5, 0.4).toString());
    }

    /** The view without the gate hands over the network's whole output with the model's own map, and owns nothing. */
    @Test
    void theWholeOutputViewSkipsTheGate() {
        ComputeDevice cpu = ComputeDevice.select(ComputeDevice.Kind.CPU);
        DerainSettings s = DerainSettings.defaults().withBatch(1).withMaxPixels(1 << 24).withGate(GateChoice.of(AttentionGate.widenedBy(3)));
        try (DerainOperator op = new DerainOperator(blackRightHalf(), cpu, s)) {
            FrameOperator whole = op.wholeOutput();
            VideoFrame f = randomFrame(32, 8, 9);
            whole.apply(List.of(f));
            for (byte b : bytes(f.pixels())) assertEquals(0, b, "the whole output, clear half included");
            byte[] map = bytes(f.attention());
            assertEquals(0, map[15]);
            assertEquals((byte) 255, map[16]);
            whole.close();
            VideoFrame g = randomFrame(32, 8, 10);
            byte[] before = bytes(g.pixels());
            op.apply(List.of(g)); // still open, and still gated itself
            assertEquals(before[0], bytes(g.pixels())[0]);
        }
    }
}
