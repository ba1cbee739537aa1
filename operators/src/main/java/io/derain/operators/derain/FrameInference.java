package io.derain.operators.derain;

import io.derain.models.restore.RestorationModel;
import io.derain.models.restore.RestorationModel.Restoration;
import org.bytedeco.pytorch.Tensor;

/**
 * How a batch of frames is fed to the model: whole frames, a downscaled working copy whose correction is
 * applied at full resolution, or overlapping tiles. Input N×3×H×W in [0, 1] (BGR) on the model's device;
 * output a restoration of exactly that size, and an attention map if the model has one. Runs inside the
 * operator's inference guard and pointer scope.
 */
interface FrameInference {

    Restoration run(RestorationModel model, Tensor frames);

    /** One line for logs. */
    String describe();
}
