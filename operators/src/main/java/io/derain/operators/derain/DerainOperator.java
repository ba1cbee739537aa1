package io.derain.operators.derain;

import io.derain.models.restore.RestorationModel;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Removes raindrops from frames with a restoration model (by default the attentive generator).
 *
 * <p>Per batch: BGR bytes → float [0, 1] (the released weights' convention), reflection-padded on the
 * right and bottom to the model's size multiple, inference, crop back to the frame (every input pixel
 * is kept), clamp, bytes. The final attention map is attached to each frame. Native memory of a batch is
 * released when the batch ends; host buffers are reused while the frame size stays the same.
 */
public final class DerainOperator implements FrameOperator {
    private final RestorationModel model;
    private final ComputeDevice device;
    private final DerainSettings settings;
    private final FrameInference inference;
    private final FrameTensors host;
    private final Scalar scale255 = new Scalar(255.0);
    private final ScalarOptional zero = new ScalarOptional(new Scalar(0.0));
    private final ScalarOptional one = new ScalarOptional(new Scalar(1.0));

    /**
     * @param model takes ownership (closed here too if the operator cannot be built); moved to
     *              {@code device} in the settings' precision
     */
    public DerainOperator(RestorationModel model, ComputeDevice device, DerainSettings settings) {
        if (settings.precision() == Precision.FP16 && !device.isCuda()) {
            model.close();
            throw new IllegalArgumentException("--precision fp16 needs a CUDA device; use bf16 on CPUs");
        }
        this.model = model;
        this.device = device;
        this.settings = settings;
        this.inference = settings.inference();
        this.host = new FrameTensors(device.isCuda());
        model.to(device.device(), settings.precision().scalarType());
    }

    @Override
    public int maxBatch() {
        return settings.maxBatch();
    }

    @Override
    public void checkFrameSize(int width, int height) {
        int m = model.sizeMultiple();
        if (width < m || height < m) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " is too small (at least "
                    + m + "x" + m + " pixels)");
        }
        if ((long) width * height > settings.maxPixels()) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " is too large (at most "
                    + settings.maxPixels() + " pixels; use --max-pixels to raise the limit if memory allows)");
        }
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        if (batch.isEmpty()) return;
        VideoFrame first = batch.get(0);
        int w = first.width(), h = first.height();
        for (VideoFrame f : batch) {
            if (!f.sameSizeAs(first)) throw new IllegalArgumentException("a batch must hold frames of one size");
        }
        checkFrameSize(w, h);
        Tensor input = host.upload(batch); // outside the scope: the host buffers outlive the batch
        Tensor output = host.outputBuffer();
        Tensor attentionOut = host.attentionBuffer();
        boolean withAttention;
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            Tensor x = input.to(device.device(), torch.ScalarType.Byte, device.isCuda(), false, new MemoryFormatOptional())
                    .permute(0, 3, 1, 2).to(settings.precision().scalarType()).div_(scale255);
            RestorationModel.Restoration r = inference.run(model, x);
            output.copy_(toBytes(r.image()).permute(0, 2, 3, 1));
            withAttention = r.attention() != null;
            if (withAttention) {
                attentionOut.copy_(toBytes(r.attention()).select(1, 0));
            }
        }
        host.download(batch, withAttention);
    }

    /** Maps [0, 1] to rounded bytes, clamping what the model overshoots (the released script did not). */
    private Tensor toBytes(Tensor t) {
        return t.to(torch.ScalarType.Float).clamp(zero, one).mul(scale255).round_().to(torch.ScalarType.Byte);
    }

    public String describe() {
        return model.describe() + " on " + device + ", " + settings.precision().name().toLowerCase()
                + ", batch " + settings.maxBatch() + ", " + inference.describe();
    }

    @Override
    public void close() {
        host.close();
        model.close();
    }
}
