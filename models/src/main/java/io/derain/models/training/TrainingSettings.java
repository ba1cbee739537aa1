package io.derain.models.training;

import io.derain.models.SettingsException;

/**
 * How a training run goes.
 *
 * @param steps                total optimizer steps (a resumed run continues up to this)
 * @param batchSize            crops per step
 * @param crop                 crop side in pixels (a multiple of 4)
 * @param learningRate         Adam's initial rate; decays along a cosine to 10 % of it at the last step
 * @param reconstructionWeight weight of the L1 reconstruction term
 * @param seed                 drives initial weights and every sample drawn
 * @param checkpointEvery      steps between checkpoints
 * @param logEvery             steps between log lines
 * @param dropWeight           weight of the L1 term over the drop mask's pixels alone (0: none; see
 *                             {@link GeneratorLoss})
 */
public record TrainingSettings(long steps, int batchSize, int crop, double learningRate,
                               double reconstructionWeight, long seed, long checkpointEvery, long logEvery,
                               double dropWeight) {

    /** Settings without the drop term. */
    public TrainingSettings(long steps, int batchSize, int crop, double learningRate,
                            double reconstructionWeight, long seed, long checkpointEvery, long logEvery) {
        this(steps, batchSize, crop, learningRate, reconstructionWeight, seed, checkpointEvery, logEvery, 0);
    }

    public TrainingSettings {
        if (steps < 1 || batchSize < 1 || crop < 16 || crop % 4 != 0 || learningRate <= 0
                || checkpointEvery < 1 || logEvery < 1) {
            throw new SettingsException("invalid training settings: " + steps + " steps, batch " + batchSize
                    + ", crop " + crop + " (a multiple of 4, at least 16), learning rate " + learningRate);
        }
        if (!(dropWeight >= 0)) throw new SettingsException("drop weight must not be negative: " + dropWeight);
    }

    /** The learning rate at {@code step} (0-based): cosine from 100 % to 10 %. */
    public double learningRateAt(long step) {
        double progress = Math.min(1.0, (double) step / steps);
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
