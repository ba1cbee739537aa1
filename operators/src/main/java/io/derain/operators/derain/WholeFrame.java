package io.derain.operators.derain;

import io.derain.models.restore.RestorationModel;
import io.derain.models.restore.RestorationModel.Restoration;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The frame as it is: reflection-padded on the right and bottom to the model's size multiple (every input
 * pixel is kept) and cropped back afterwards.
 */
final class WholeFrame implements FrameInference {

    @Override
    public Restoration run(RestorationModel model, Tensor x) {
        long h = x.size(2), w = x.size(3);
        int m = model.sizeMultiple();
        long padW = (m - w % m) % m, padH = (m - h % m) % m;
        Tensor input = padW > 0 || padH > 0 ? torch.reflection_pad2d(x, 0, padW, 0, padH) : x;
        Restoration r = model.restore(input);
        if (padW == 0 && padH == 0) return r;
        Tensor image = r.image().narrow(2, 0, h).narrow(3, 0, w);
        Tensor attention = r.attention() == null ? null : r.attention().narrow(2, 0, h).narrow(3, 0, w);
        return new Restoration(image, attention);
    }

    @Override
    public String describe() {
        return "whole frames";
    }
}
