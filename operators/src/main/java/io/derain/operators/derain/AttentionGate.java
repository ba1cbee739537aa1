package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.restore.GateSettings;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Blends the model's restoration into the frame by its attention map A: {@code input + G · (restored − input)}
 * with G = {@link #gain()} · (W − {@link #floor()}) / (1 − floor), W being A widened by {@link #grow()} pixels (a
 * max filter of side 2·grow + 1), clamped to [0, 1]. Pixels whose neighbourhood the map calls clear pass through
 * untouched; the widening lets the gate also cover the rims of drops that a small model's map marks only in part,
 * the gain lets it take the whole restoration where the map marks a drop but stays below 1, and the floor keeps
 * out the faint response a map gives foliage or lights on a clear frame.
 * Off: the whole restoration.
 */
public final class AttentionGate {
    /** The network's whole output, no gating. */
    public static final AttentionGate OFF = new AttentionGate(false, 0, 1, 0);

    /**
     * Widening of the bundled model's map. Chosen on validation pairs (seconds 1–3 of the dashcam clip, another
     * drop field) with the gain below, and checked on the paper's real photos: from 3 to 5 px the PSNR gain there
     * rose by 0.13 dB (10 validation frames) and 0.01 dB towards the paper's outputs on its photos; wider
     * still helps the synthetic drops less and blurs more of the real photos.
     */
    public static final int DEFAULT_GROW = 5;

    /**
     * Gain on the lite model's map, which stays well below 1 inside drops (median 0.44 on 5 held-out frames for the
     * earlier bundled weights), so at gain 1 the gate mixes much of the rainy frame back in. 1.5 (the gate saturates
     * from A = 0.67) lifts the PSNR gain on the validation pairs by about 1 dB for the current weights (+7.77 against
     * +6.76 dB at gain 1) at a small cost on the real photos (+1.87 against +1.97 dB); 2 and more help the synthetic
     * drops a little more and cost the real photos more, whose large defocused drops the model restores least well.
     */
    public static final double DEFAULT_GAIN = 1.5;

    /** The bundled model's gate: widened by {@link #DEFAULT_GROW}, gain {@link #DEFAULT_GAIN}. */
    public static final AttentionGate DEFAULT = new AttentionGate(true, DEFAULT_GROW, DEFAULT_GAIN, 0);

    private final boolean enabled;
    private final int grow;
    private final double gain;
    private final double floor;
    /** The widening: a row pass and a column pass, null when there is none. */
    private final SlidingMax widening;

    private AttentionGate(boolean enabled, int grow, double gain, double floor) {
        if (grow < 0) throw new SettingsException("the gate's widening must not be negative: " + grow);
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw new SettingsException("the gate's gain must be a positive number: " + gain);
        }
        if (!(floor >= 0 && floor < 1)) throw new SettingsException("the gate's floor must be in [0, 1): " + floor);
        this.enabled = enabled;
        this.grow = grow;
        this.gain = gain;
        this.floor = floor;
        this.widening = grow > 0 ? new SlidingMax(grow) : null;
    }

    /** Gated, the map widened by {@code pixels} (0: the map as it is), gain 1. */
    public static AttentionGate widenedBy(int pixels) {
        return new AttentionGate(true, pixels, 1, 0);
    }

    /** Gated, the map widened by {@code pixels} and multiplied by {@code gain} before clamping to [0, 1]. */
    public static AttentionGate of(int pixels, double gain) {
        return new AttentionGate(true, pixels, gain, 0);
    }

    /** Gated as {@link #of(int, double)}, map levels up to {@code floor} passing the input through. */
    public static AttentionGate of(int pixels, double gain, double floor) {
        return new AttentionGate(true, pixels, gain, floor);
    }

    public boolean enabled() { return enabled; }

    /** As stored in a model's metadata. */
    public GateSettings settings() {
        return enabled ? new GateSettings(true, grow, gain, floor) : GateSettings.WHOLE_OUTPUT;
    }

    /** Pixels by which the map is widened before gating. */
    public int grow() { return grow; }

    /** Factor on the widened map before it is clamped to [0, 1]. */
    public double gain() { return gain; }

    /** Map level up to which the input passes through; the gate rises from it to reach gain at level 1. */
    public double floor() { return floor; }

    /** What multiplies the widened map once the floor is taken off ({@link GateSettings#slope()}). */
    double slope() { return settings().slope(); }

    /**
     * @param input     the frame, N×3×H×W in [0, 1]
     * @param attention the final attention map, N×1×H×W
     * @param restored  the model's output, same shape as {@code input}
     * @param slopeScalar {@link #slope()} as a scalar (the caller owns it, made once)
     * @param floorScalar {@link #floor()} as a scalar (the caller owns it, made once)
     */
    Tensor blend(Tensor input, Tensor attention, Tensor restored, Scalar slopeScalar, Scalar floorScalar,
                 ScalarOptional zero, ScalarOptional one) {
        if (!enabled || attention == null) return restored;
        Tensor g = widening == null ? attention : widening.apply(attention);
        // Never in place on the model's own map: it also leaves the operator with the frame.
        if (floor > 0) {
            g = g.sub(floorScalar).mul_(slopeScalar).clamp_(zero, one);
        } else {
            g = gain == 1 ? g.clamp(zero, one) : g.mul(slopeScalar).clamp_(zero, one);
        }
        return input.add(restored.sub(input).mul_(g));
    }

    String describe() {
        if (!enabled) return "whole network output";
        StringBuilder s = new StringBuilder("attention-gated output");
        List<String> parts = new ArrayList<>();
        if (grow > 0) parts.add("widened by " + grow + " px");
        if (gain != 1) parts.add("gain " + gain);
        if (floor > 0) parts.add("floor " + floor);
        if (!parts.isEmpty()) s.append(" (map ").append(String.join(", ", parts)).append(")");
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
