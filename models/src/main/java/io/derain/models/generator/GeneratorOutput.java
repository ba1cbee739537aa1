package io.derain.models.generator;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Everything one forward pass of the attentive generator produces, as in the paper: the attention map
 * of every recurrent step (N×1×H×W, unbounded), the autoencoder's 1/4- and 1/2-scale frames, and the
 * derained image (N×3×H×W, BGR, nominally [0, 1] but not clamped). The tensors belong to the caller's
 * {@link org.bytedeco.javacpp.PointerScope}.
 */
public record GeneratorOutput(List<Tensor> attentionMaps, Tensor quarterFrame, Tensor halfFrame, Tensor image) {

    /** The last step's map: the one the autoencoder saw and the one users get. */
    public Tensor finalAttention() {
        return attentionMaps.get(attentionMaps.size() - 1);
    }
}
