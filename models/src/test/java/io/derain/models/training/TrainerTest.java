package io.derain.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.StateDict;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training is reproducible under a seed, resumes exactly, and lowers the loss. */
class TrainerTest {
    private static final GeneratorConfig TINY = new GeneratorConfig("tiny", 4, 1, 2, 8, 16, 32);

    static List<CleanImage> scenes() {
        List<CleanImage> images = new ArrayList<>();
        Random random = new Random(3);
        for (int k = 0; k < 3; k++) {
            int w = 96, h = 64;
            ByteBuffer px = ByteBuffer.allocateDirect(w * h * 3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // Smooth gradients with a little texture: something drops can visibly refract.
                    px.put((byte) (x * 2 + k * 40));
                    px.put((byte) (y * 3 + random.nextInt(8)));
                    px.put((byte) (128 + 60 * Math.sin((x + y + k * 7) / 9.0)));
                }
            }
            images.add(new CleanImage("scene" + k, w, h, px.flip()));
        }
        return images;
    }

    private static TrainingSettings settings(long steps) {
        return new TrainingSettings(steps, 2, 32, 1e-3, 1.0, 5, 2, 1);
    }

    /**
     * A 4-step run from a fresh, seeded model, resumed from {@code dir} if asked; with {@code crashAt} the
     * data fails at that step, as a killed process would stop. Returns the logged lines.
     */
    private static List<String> train(Path dir, long crashAt, boolean resume) throws Exception {
        torch.manual_seed(5);
        List<String> log = new ArrayList<>();
        try (AttentiveGenerator g = new AttentiveGenerator(TINY); SyntheticPairs pairs = new SyntheticPairs(scenes(), 5)) {
            SampleSource data = new SampleSource() {
                @Override public TrainingBatch batch(long step, int size, int crop) {
                    if (step == crashAt) throw new IllegalStateException("simulated crash");
                    return pairs.batch(step, size, crop);
                }
                @Override public void close() {}
            };
            new Trainer(g, data, settings(4), new TrainingCheckpoint(dir), Map.of(), log::add).run(resume);
        } catch (IllegalStateException e) {
            assertEquals("simulated crash", e.getMessage());
        }
        return log;
    }

    private static float[] weights(Path dir) {
        try (StateDict sd = StateDict.read(dir.resolve(TrainingCheckpoint.WEIGHTS))) {
            List<Float> all = new ArrayList<>();
            for (Tensor t : sd.tensors().values()) {
                Tensor c = t.contiguous();
                float[] v = new float[(int) c.numel()];
                new org.bytedeco.javacpp.FloatPointer(c.data_ptr_float()).get(v);
                for (float f : v) all.add(f);
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) out[i] = all.get(i);
            return out;
        }
    }

    @Test
    void sameSeedSameWeightsAndResumingEqualsRunningThrough(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        train(a, -1, false);
        train(b, -1, false);
        train(c, 2, false);
        List<String> resumed = train(c, -1, true);
        assertTrue(resumed.get(0).contains("resumed") && resumed.get(0).contains("step 2"), resumed.get(0));
        float[] wa = weights(a), wb = weights(b), wc = weights(c);
        assertEquals(wa.length, wb.length);
        double diffAB = 0, diffAC = 0;
        for (int i = 0; i < wa.length; i++) {
            diffAB = Math.max(diffAB, Math.abs(wa[i] - wb[i]));
            diffAC = Math.max(diffAC, Math.abs(wa[i] - wc[i]));
        }
        assertEquals(0.0, diffAB, "two runs with one seed differ");
        assertTrue(diffAC < 1e-6, "resumed run differs from an uninterrupted one by " + diffAC);
        try (StateDict sd = StateDict.read(a.resolve(TrainingCheckpoint.WEIGHTS))) {
            assertEquals("4", sd.metadata().get("training.step"));
            assertEquals(TINY, GeneratorConfig.fromMetadata(sd.metadata()));
        }
    }

    @Test
    void lossFallsOnAFixedBatch(@TempDir Path tmp) throws Exception {
        // Always the same batch: the generator must be able to fit it.
        torch.manual_seed(5);
        List<Double> losses = new ArrayList<>();
        try (AttentiveGenerator g = new AttentiveGenerator(TINY); SyntheticPairs pairs = new SyntheticPairs(scenes(), 5)) {
            SampleSource fixed = new SampleSource() {
                @Override public TrainingBatch batch(long step, int size, int crop) { return pairs.batch(0, size, crop); }
                @Override public void close() {}
            };
            new Trainer(g, fixed, new TrainingSettings(60, 2, 32, 2e-3, 1.0, 5, 1000, 10), new TrainingCheckpoint(tmp),
                    Map.of(), line -> losses.add(Double.parseDouble(line.replaceAll(".*  loss ([0-9.]+).*", "$1")))).run(false);
        }
        assertTrue(losses.get(losses.size() - 1) < 0.7 * losses.get(0), "loss did not fall: " + losses);
    }

    @Test
    void adversarialOptionTrainsAndResumesTheDiscriminator(@TempDir Path tmp) throws Exception {
        torch.manual_seed(5);
        List<String> log = new ArrayList<>();
        try (AttentiveGenerator g = new AttentiveGenerator(TINY); SyntheticPairs pairs = new SyntheticPairs(scenes(), 5);
             AdversarialTraining gan = new AdversarialTraining(1e-3)) {
            new Trainer(g, pairs, settings(2), new TrainingCheckpoint(tmp), Map.of(), log::add, gan).run(false);
        }
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("discriminator.ckpt")));
        try (AttentiveGenerator g = new AttentiveGenerator(TINY); SyntheticPairs pairs = new SyntheticPairs(scenes(), 5);
             AdversarialTraining gan = new AdversarialTraining(1e-3)) {
            new Trainer(g, pairs, settings(3), new TrainingCheckpoint(tmp), Map.of(), log::add, gan).run(true);
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("step 3/3")), String.valueOf(log));
    }
}
