package io.derain.models.restore;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorOutput;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The attentive generator with trained weights, in evaluation mode. */
public final class GeneratorModel implements RestorationModel {
    /** Checkpoint metadata: the calibrated {@link #dropThreshold()}, a decimal in (0, 1]. */
    public static final String DROP_THRESHOLD_METADATA = "attention.dropThreshold";

    private final AttentiveGenerator generator;
    private final String source;
    private final double dropThreshold;
    private final GateSettings gate;

    /** Takes ownership of {@code generator}, whose weights must already be loaded from {@code source}. */
    public GeneratorModel(AttentiveGenerator generator, String source) {
        this(generator, source, DEFAULT_DROP_THRESHOLD, GateSettings.WHOLE_OUTPUT);
    }

    /** As above, with the drop threshold and the gate its weights were calibrated for. */
    public GeneratorModel(AttentiveGenerator generator, String source, double dropThreshold, GateSettings gate) {
        if (!(dropThreshold > 0 && dropThreshold <= 1)) {
            throw new IllegalArgumentException("drop threshold must be in (0, 1]: " + dropThreshold);
        }
        this.generator = generator;
        this.source = source;
        this.dropThreshold = dropThreshold;
        this.gate = gate;
        generator.eval();
    }

    public AttentiveGenerator generator() {
        return generator;
    }

    @Override
    public Restoration restore(Tensor image) {
        GeneratorOutput out = generator.forward(image);
        return new Restoration(out.image(), out.finalAttention());
    }

    @Override
    public double dropThreshold() {
        return dropThreshold;
    }

    @Override
    public GateSettings gate() {
        return gate;
    }

    /**
     * The feature extractor gains from int8 at both widths measured (AVX-512 VNNI, 2 threads, 640×360: lite 1.28×,
     * the paper's 1.33× a pass).
     */
    @Override
    public boolean int8Helps() {
        return true;
    }

    @Override
    public void quantize() {
        List<Tensor> frames = CalibrationFrames.load();
        try {
            generator.quantizeFeatures(frames);
        } finally {
            for (Tensor f : frames) f.close();
        }
    }

    @Override
    public void to(Device device, torch.ScalarType dtype) {
        generator.to(device, dtype, false);
    }

    @Override
    public String describe() {
        var c = generator.config();
        long params = 0;
        var all = generator.parameters();
        for (long i = 0; i < all.size(); i++) params += all.get(i).numel();
        return String.format("attentive generator '%s' (%,d parameters, %.2f MFLOP/pixel) from %s",
                c.name(), params, 2 * c.macsPerPixel() / 1e6, source);
    }

    @Override
    public void close() {
        generator.releaseQuantized();
        generator.close();
    }
}
