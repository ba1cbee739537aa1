package io.derain.models.restore;

import io.derain.models.generator.GeneratorConfig;
import io.derain.models.weights.StateDict;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads an attentive generator's configuration off its weights when the file does not state it (the
 * paper's gen.pkl, plain PyTorch state dicts): channel counts from tensor shapes, residual blocks by
 * counting. The number of recurrent steps is not visible in weights; the paper's 4 is assumed.
 */
final class ArchitectureInference {
    private ArchitectureInference() {}

    static GeneratorConfig infer(StateDict weights, Path file) {
        int recurrent = (int) dim(weights, file, "det_conv0.0.weight", 0);
        int blocks = 0;
        while (weights.contains("det_conv" + (blocks + 1) + ".0.weight")) blocks++;
        int w1 = (int) dim(weights, file, "conv1.0.weight", 0);
        int w2 = (int) dim(weights, file, "conv2.0.weight", 0);
        int w3 = (int) dim(weights, file, "conv4.0.weight", 0);
        GeneratorConfig paper = GeneratorConfig.PAPER;
        GeneratorConfig inferred = new GeneratorConfig("custom", recurrent, blocks, paper.steps(), w1, w2, w3);
        boolean isPaper = inferred.recurrentChannels() == paper.recurrentChannels()
                && inferred.residualBlocks() == paper.residualBlocks() && w1 == paper.width1()
                && w2 == paper.width2() && w3 == paper.width3();
        return isPaper ? paper : inferred;
    }

    private static long dim(StateDict weights, Path file, String name, int axis) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new ModelLoadException(file + ": not weights of the attentive generator (no tensor " + name + ")");
        }
        return t.size(axis);
    }
}
