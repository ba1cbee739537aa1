package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import io.derain.models.restore.RestorationModel.Restoration;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Full-resolution inference in overlapping square tiles, for frames too large to run whole. Each tile's
 * output is weighted by a ramp that falls to nearly zero towards the tile's edges inside the overlap, and
 * the weighted sum is normalised, so seams blend away and the tiles' border effects (padding, missing
 * context) never dominate a pixel.
 */
final class Tiled implements FrameInference {
    private final int tile;
    private final int overlap;
    private final WholeFrame whole = new WholeFrame();

    /** @param tile tile side in pixels; @param overlap pixels shared by neighbouring tiles */
    Tiled(int tile, int overlap) {
        if (tile < 16 || overlap < 0 || overlap * 2 >= tile) {
            throw new SettingsException("tiles must be at least 16 and more than twice the overlap (" + overlap + ")");
        }
        this.tile = tile;
        this.overlap = overlap;
    }

    @Override
    public Restoration run(RestorationModel model, Tensor x) {
        long h = x.size(2), w = x.size(3);
        if (h <= tile && w <= tile) return whole.run(model, x);
        Tensor image = torch.zeros_like(x);
        Tensor weight = torch.zeros(new long[] {1, 1, h, w}, x.options());
        Tensor attention = null;
        for (long y0 : starts(h)) {
            for (long x0 : starts(w)) {
                long th = Math.min(tile, h - y0), tw = Math.min(tile, w - x0);
                Restoration r = whole.run(model, x.narrow(2, y0, th).narrow(3, x0, tw));
                Tensor ramp = ramp(th, tw, y0 > 0, y0 + th < h, x0 > 0, x0 + tw < w, x);
                image.narrow(2, y0, th).narrow(3, x0, tw).add_(r.image().mul(ramp));
                weight.narrow(2, y0, th).narrow(3, x0, tw).add_(ramp);
                if (r.attention() != null) {
                    if (attention == null) attention = torch.zeros(new long[] {x.size(0), 1, h, w}, x.options());
                    attention.narrow(2, y0, th).narrow(3, x0, tw).add_(r.attention().mul(ramp));
                }
            }
        }
        return new Restoration(image.div_(weight), attention == null ? null : attention.div_(weight));
    }

    /** Tile origins along one axis: step tile − overlap, the last tile flush with the edge. */
    private long[] starts(long size) {
        if (size <= tile) return new long[] {0};
        long step = tile - overlap;
        int n = (int) ((size - tile + step - 1) / step) + 1;
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = Math.min(i * step, size - tile);
        return s;
    }

    /** 1×1×th×tw weights: 1 inside, a linear ramp over the overlap on sides that have a neighbour. */
    private Tensor ramp(long th, long tw, boolean top, boolean bottom, boolean left, boolean right, Tensor like) {
        Tensor rows = axisRamp(th, top, bottom, like).view(1, 1, th, 1);
        Tensor cols = axisRamp(tw, left, right, like).view(1, 1, 1, tw);
        return rows.mul(cols);
    }

    private Tensor axisRamp(long n, boolean rampStart, boolean rampEnd, Tensor like) {
        Tensor r = torch.ones(new long[] {n}, like.options());
        if (overlap == 0) return r;
        // (i + 1) / (overlap + 1): never exactly zero, so every pixel keeps some weight.
        Tensor up = torch.arange(new Scalar(1), new Scalar(overlap + 1), like.options()).div_(new Scalar(overlap + 1.0));
        if (rampStart) r.narrow(0, 0, overlap).copy_(up);
        if (rampEnd) r.narrow(0, n - overlap, overlap).mul_(torch.flip(up, 0));
        return r;
    }

    @Override
    public String describe() {
        return "tiles of " + tile + " px overlapping by " + overlap + " px";
    }
}
