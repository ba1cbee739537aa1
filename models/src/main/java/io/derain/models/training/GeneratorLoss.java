package io.derain.models.training;

import io.derain.models.generator.GeneratorOutput;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The generator's training objective, after the paper (Qian et al. 2018, section 4):
 * <ul>
 *   <li>attention loss Σ_t θ^(N−t) · MSE(A_t, M) over all recurrent steps, θ = 0.8, against the exact
 *       synthetic drop mask M;</li>
 *   <li>multi-scale loss Σ λ_i · MSE(S_i, T_i) on the 1/4, 1/2 and full-scale outputs, λ = 0.6, 0.8, 1.0,
 *       targets being the clean image average-pooled to each scale;</li>
 *   <li>a reconstruction loss: L1 between the output and the clean image, which keeps edges sharper
 *       than MSE alone. It stands in for the paper's VGG perceptual loss, whose ImageNet weights we
 *       cannot ship.</li>
 *   <li>optionally, L1 over the drop mask's pixels alone (normalised by the mask's area): the reconstruction
 *       term averages over the whole crop, so soft, low-contrast drops (a windshield's) weigh little beside the
 *       picture around them however much of the crop they cover; this term makes the error inside drops count
 *       in its own right.</li>
 * </ul>
 * The adversarial term is added by the trainer when a discriminator is used.
 */
public final class GeneratorLoss {
    public static final double THETA = 0.8;
    public static final double[] LAMBDAS = {0.6, 0.8, 1.0};

    private final double reconstructionWeight;
    private final double dropWeight;

    public GeneratorLoss(double reconstructionWeight) {
        this(reconstructionWeight, 0);
    }

    /** @param dropWeight weight of the L1 term inside the drop mask (0: none) */
    public GeneratorLoss(double reconstructionWeight, double dropWeight) {
        this.reconstructionWeight = reconstructionWeight;
        this.dropWeight = dropWeight;
    }

    /** The loss terms of one batch; {@code total} is what is differentiated; {@code drops} is null without the term. */
    public record Terms(Tensor total, Tensor attention, Tensor multiScale, Tensor reconstruction, Tensor drops) {}

    public Terms compute(GeneratorOutput out, TrainingBatch batch) {
        List<Tensor> maps = out.attentionMaps();
        int n = maps.size();
        Tensor attention = null;
        for (int t = 1; t <= n; t++) {
            Tensor term = torch.mse_loss(maps.get(t - 1), batch.mask()).mul(new Scalar(Math.pow(THETA, n - t)));
            attention = attention == null ? term : attention.add(term);
        }
        Tensor clean = batch.clean();
        Tensor quarterTarget = torch.avg_pool2d(clean, 4, 4);
        Tensor halfTarget = torch.avg_pool2d(clean, 2, 2);
        Tensor multiScale = torch.mse_loss(out.quarterFrame(), quarterTarget).mul(new Scalar(LAMBDAS[0]))
                .add(torch.mse_loss(out.halfFrame(), halfTarget).mul(new Scalar(LAMBDAS[1])))
                .add(torch.mse_loss(out.image(), clean).mul(new Scalar(LAMBDAS[2])));
        Tensor reconstruction = torch.l1_loss(out.image(), clean);
        Tensor total = attention.add(multiScale).add(reconstruction.mul(new Scalar(reconstructionWeight)));
        Tensor drops = null;
        if (dropWeight > 0) {
            // Mean |output - clean| over the masked pixels (a crop without drops adds nothing); the mask is
            // one channel, broadcast over the three colours.
            Tensor mask = batch.mask();
            Tensor area = mask.sum().mul(new Scalar(3)).add(new Scalar(1e-6));
            drops = out.image().sub(clean).abs().mul(mask).sum().div(area);
            total = total.add(drops.mul(new Scalar(dropWeight)));
        }
        return new Terms(total, attention, multiScale, reconstruction, drops);
    }
}
