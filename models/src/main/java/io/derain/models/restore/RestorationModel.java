package io.derain.models.restore;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * An image-to-image restoration network as the derain operator sees it: N×3×H×W BGR in [0, 1] in
 * (H and W multiples of {@link #sizeMultiple()}), a restored image of the same shape out, plus a
 * raindrop attention map when the network predicts one.
 *
 * <p>Implementations own their weights (native memory) and free them in {@link #close()}. Calls must
 * run inside the caller's inference guard and {@link org.bytedeco.javacpp.PointerScope}.
 */
public interface RestorationModel extends AutoCloseable {

    Restoration restore(Tensor image);

    /**
     * Moves the weights to {@code device} and converts them to {@code dtype} (Float, BFloat16, Half); the
     * input must then live there in that type too.
     */
    void to(Device device, torch.ScalarType dtype);

    /** The attention level a model is calibrated against when it has no calibration of its own. */
    double DEFAULT_DROP_THRESHOLD = 0.5;

    /**
     * The attention level (0..1] from which a pixel of this model's map counts as raindrop: for the map's
     * IoU and for drop coverage. Calibrated on validation pairs by {@code derain calibrate}.
     */
    default double dropThreshold() { return DEFAULT_DROP_THRESHOLD; }

    /** How the restoration is blended in by the attention map, as the weights were tuned for; the CLI can override it. */
    default GateSettings gate() { return GateSettings.WHOLE_OUTPUT; }

    /**
     * Whether int8 kernels speed this model up ({@link #quantize()}): the attentive generator's feature extractor
     * does; a TorchScript model has no int8 form here.
     */
    default boolean int8Helps() { return false; }

    /**
     * Runs what int8 kernels serve well on them from now on, calibrated on {@link CalibrationFrames}. Call
     * before {@link #to} (the weights must still be fp32), in inference mode.
     *
     * @throws io.derain.models.SettingsException when the model has no int8 form
     */
    default void quantize() {
        throw new io.derain.models.SettingsException("int8 precision: " + describe() + " has no int8 form (only the attentive generator has one)");
    }

    /** Input height and width must be multiples of this. */
    default int sizeMultiple() { return 4; }

    /** One line for logs: architecture, parameter count, where the weights came from. */
    String describe();

    @Override
    void close();

    /**
     * @param image     N×3×H×W, BGR, unclamped
     * @param attention N×1×H×W raindrop map (1 = drop), unclamped; null if the model has none
     */
    record Restoration(Tensor image, Tensor attention) {}
}
