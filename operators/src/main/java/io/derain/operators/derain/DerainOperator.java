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
    private final int maxBatch;
    private final long maxPixels;
    private final FrameTensors host;
    private final Scalar scale255 = new Scalar(255.0);
    private final ScalarOptional zero = new ScalarOptional(new Scalar(0.0));
    private final ScalarOptional one = new ScalarOptional(new Scalar(1.0));

    /**
     * @param model     takes ownership; moved to {@code device}
     * @param maxBatch  frames per inference call
     * @param maxPixels largest frame (width × height) accepted, to fail early rather than run out of memory
     */
    public DerainOperator(RestorationModel model, ComputeDevice device, int maxBatch, long maxPixels) {
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        this.model = model;
        this.device = device;
        this.maxBatch = maxBatch;
        this.maxPixels = maxPixels;
        this.host = new FrameTensors(device.isCuda());
        model.to(device.device());
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void checkFrameSize(int width, int height) {
        int m = model.sizeMultiple();
        if (width < m || height < m) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " is too small (at least "
                    + m + "x" + m + " pixels)");
        }
        if ((long) width * height > maxPixels) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " is too large (at most "
                    + maxPixels + " pixels; use --max-pixels to raise the limit if memory allows)");
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
            int m = model.sizeMultiple();
            long padW = (m - w % m) % m, padH = (m - h % m) % m;
            Tensor x = input.to(device.device(), torch.ScalarType.Byte, device.isCuda(), false, new MemoryFormatOptional())
                    .permute(0, 3, 1, 2).to(torch.ScalarType.Float).div_(scale255);
            if (padW > 0 || padH > 0) {
                x = torch.reflection_pad2d(x, 0, padW, 0, padH);
            }
            RestorationModel.Restoration r = model.restore(x);
            output.copy_(toBytes(r.image(), h, w).permute(0, 2, 3, 1));
            withAttention = r.attention() != null;
            if (withAttention) {
                attentionOut.copy_(toBytes(r.attention(), h, w).select(1, 0));
            }
        }
        host.download(batch, withAttention);
    }

    /** Crops the padding away and maps [0, 1] floats to rounded bytes, clamping what the model overshoots. */
    private Tensor toBytes(Tensor t, int h, int w) {
        return t.narrow(2, 0, h).narrow(3, 0, w).clamp(zero, one).mul(scale255).round_().to(torch.ScalarType.Byte);
    }

    public String describe() {
        return model.describe() + " on " + device + ", batch " + maxBatch;
    }

    @Override
    public void close() {
        host.close();
        model.close();
    }
}
