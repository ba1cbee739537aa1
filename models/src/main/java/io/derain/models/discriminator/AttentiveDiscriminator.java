package io.derain.models.discriminator;

import io.derain.models.generator.Conv;
import io.derain.models.runtime.Natives;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The attentive discriminator of Qian et al. (2018): six 5×5 convolutions (3→8→16→64→128→128→128), a
 * 5×5 convolution to a one-channel map that should find the raindrop regions the generator left behind,
 * then features × map through two stride-4 convolutions and two fully connected layers to one logit.
 *
 * <p>The released model's first fully connected layer is sized for 224-pixel crops; an adaptive average
 * pool to 4×4 in front of it makes this one work on any crop size. Returns logits, not probabilities:
 * the losses use the numerically stable "with logits" forms.
 */
public final class AttentiveDiscriminator extends Module {
    private final List<Conv> features = new ArrayList<>();
    private final List<Module> containers = new ArrayList<>();
    private final Conv map;
    private final Conv reduce1;
    private final Conv reduce2;
    private final Linear fc1, fc2;

    /** What the discriminator sees in an image. */
    public record Verdict(Tensor logit, Tensor map) {}

    public AttentiveDiscriminator() {
        Natives.ensureLoaded();
        int[] widths = {3, 8, 16, 64, 128, 128, 128};
        for (int i = 1; i < widths.length; i++) {
            features.add(add("conv" + i, Conv.of(widths[i - 1], widths[i], 5, 2)));
        }
        map = add("conv_mask", Conv.of(128, 1, 5, 2));
        reduce1 = add("conv7", Conv.strided(128, 64, 5, 4, 1));
        reduce2 = add("conv8", Conv.strided(64, 32, 5, 4, 1));
        Module fc = container("fc");
        fc1 = fc.register_module("0", new Linear(32 * 4 * 4, 1024));
        fc2 = fc.register_module("1", new Linear(1024, 1));
    }

    public Verdict forward(Tensor image) {
        Tensor x = image;
        for (Conv c : features) x = torch.relu(c.forward(x));
        Tensor m = map.forward(x);
        x = torch.relu(reduce1.forward(x.mul(m)));
        x = torch.relu(reduce2.forward(x));
        x = torch.adaptive_avg_pool2d(x, 4, 4).flatten(1, -1);
        return new Verdict(fc2.forward(fc1.forward(x)), m);
    }

    private Conv add(String name, Conv conv) {
        return container(name).register_module("0", conv);
    }

    /** Held so their Java peers stay reachable while libtorch may call back into them. */
    private Module container(String name) {
        Module m = register_module(name, new Module());
        containers.add(m);
        return m;
    }

    /** A fully connected layer with PyTorch's names ({@code weight}, {@code bias}) and default init. */
    private static final class Linear extends Module {
        private final Tensor weight;
        private final TensorOptional bias;

        Linear(int in, int out) {
            double bound = 1.0 / Math.sqrt(in);
            Tensor w = torch.rand(out, in).sub_(new Scalar(0.5)).mul_(new Scalar(2 * bound));
            Tensor b = torch.rand(out).sub_(new Scalar(0.5)).mul_(new Scalar(2 * bound));
            register_parameter("weight", w);
            register_parameter("bias", b);
            weight = w;
            bias = new TensorOptional(b);
        }

        Tensor forward(Tensor x) {
            return torch.linear(x, weight, bias);
        }
    }
}
