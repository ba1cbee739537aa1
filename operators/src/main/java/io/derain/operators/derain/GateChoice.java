package io.derain.operators.derain;

import io.derain.models.restore.GateSettings;

/**
 * What the user chose for the attention gate, on top of what the model's weights say ({@link GateSettings}):
 * each part null = the model's. Giving a widening, gain or floor alone turns the gate on, with the model's other
 * parts if it is gated and the bundled model's defaults otherwise.
 *
 * @param enabled gate on or off; null: as the weights say (and on when a widening, gain or floor is given)
 * @param grow    widening in pixels; null: the model's
 * @param gain    gain; null: the model's
 * @param floor   map level the gate rises from; null: the model's (0 for a model without a gate)
 */
public record GateChoice(Boolean enabled, Integer grow, Double gain, Double floor) {
    /** Everything as the model's weights say. */
    public static final GateChoice FROM_MODEL = new GateChoice(null, null, null, null);

    /** The floor as the model's weights say. */
    public GateChoice(Boolean enabled, Integer grow, Double gain) {
        this(enabled, grow, gain, null);
    }

    /** Exactly {@code gate}, whatever the model says. */
    public static GateChoice of(AttentionGate gate) {
        return new GateChoice(gate.enabled(), gate.grow(), gate.gain(), gate.floor());
    }

    /** The gate to run for a model whose weights ask for {@code model}. */
    public AttentionGate resolve(GateSettings model) {
        boolean on = enabled != null ? enabled : grow != null || gain != null || floor != null || model.enabled();
        if (!on) return AttentionGate.OFF;
        int g = grow != null ? grow : model.enabled() ? model.grow() : AttentionGate.DEFAULT_GROW;
        double k = gain != null ? gain : model.enabled() ? model.gain() : AttentionGate.DEFAULT_GAIN;
        double f = floor != null ? floor : model.enabled() ? model.floor() : 0;
        return AttentionGate.of(g, k, f);
    }
}
