package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import io.derain.models.restore.RestorationModel.Restoration;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Runs the model on a downscaled copy (area-averaged to the work size) and applies its correction, the
 * difference between output and input, upsampled to the full frame. Raindrops are large and smooth, so
 * their correction survives the round trip, while everything the model leaves alone keeps the frame's
 * full-resolution detail. Frames already at or below the work size run whole.
 */
final class WorkResolution implements FrameInference {
    private final int workWidth;
    private final int workHeight;
    private final WholeFrame whole = new WholeFrame();

    WorkResolution(int workWidth, int workHeight) {
        if (workWidth < 4 || workHeight < 4) throw new SettingsException("work size too small: " + workWidth + "x" + workHeight);
        this.workWidth = workWidth;
        this.workHeight = workHeight;
    }

    @Override
    public Restoration run(RestorationModel model, Tensor x) {
        long h = x.size(2), w = x.size(3);
        // Fit inside the work size, keeping the aspect ratio.
        double scale = Math.min((double) workWidth / w, (double) workHeight / h);
        if (scale >= 1) return whole.run(model, x);
        long sw = Math.max(4, Math.round(w * scale)), sh = Math.max(4, Math.round(h * scale));
        Tensor small = torch.adaptive_avg_pool2d(x, sh, sw);
        Restoration r = whole.run(model, small);
        Tensor correction = torch.upsample_bilinear2d(r.image().sub(small), new long[] {h, w}, false);
        Tensor image = x.add(correction);
        Tensor attention = r.attention() == null ? null
                : torch.upsample_bilinear2d(r.attention(), new long[] {h, w}, false);
        return new Restoration(image, attention);
    }

    @Override
    public String describe() {
        return "work resolution " + workWidth + "x" + workHeight + ", correction applied at full size";
    }
}
