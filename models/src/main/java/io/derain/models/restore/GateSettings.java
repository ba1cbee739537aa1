package io.derain.models.restore;

import java.util.Locale;
import java.util.Map;

/**
 * How a model's restoration is meant to be blended into the frame by its attention map, as its weights
 * were tuned for: gated ({@code input + clamp(gain · (widen(A, grow) − floor) / (1 − floor)) · (restored − input)})
 * or the network's whole output. Stored in checkpoint metadata beside the drop threshold; weights without it
 * (the paper's gen.pkl, a plain state dict) run the whole output, as the paper's own demo does.
 *
 * @param enabled whether the output is gated at all
 * @param grow    pixels the map is widened by (a max filter) before gating
 * @param gain    factor on the widened map before it is clamped to [0, 1]
 * @param floor   map level below which a pixel passes through untouched, in [0, 1): the faint response of a
 *                map to foliage, bright windows and night lights on a clear frame stays out of the picture
 */
public record GateSettings(boolean enabled, int grow, double gain, double floor) {
    /** The network's whole output. */
    public static final GateSettings WHOLE_OUTPUT = new GateSettings(false, 0, 1, 0);

    static final String ENABLED = "gate.enabled";
    static final String GROW = "gate.grow";
    static final String GAIN = "gate.gain";
    static final String FLOOR = "gate.floor";

    public GateSettings {
        if (grow < 0) throw new IllegalArgumentException("the gate's widening must not be negative: " + grow);
        if (!(gain > 0) || Double.isInfinite(gain)) throw new IllegalArgumentException("the gate's gain must be positive: " + gain);
        if (!(floor >= 0 && floor < 1)) throw new IllegalArgumentException("the gate's floor must be in [0, 1): " + floor);
    }

    /** Gated or not, with no floor. */
    public GateSettings(boolean enabled, int grow, double gain) {
        this(enabled, grow, gain, 0);
    }

    /** What multiplies the widened map once the floor is taken off: gain / (1 − floor). */
    public double slope() {
        return gain / (1 - floor);
    }

    /** Writes these settings into checkpoint metadata. */
    public void writeTo(Map<String, String> metadata) {
        metadata.put(ENABLED, Boolean.toString(enabled));
        metadata.put(GROW, Integer.toString(grow));
        metadata.put(GAIN, String.format(Locale.ROOT, "%s", gain));
        if (floor > 0) {
            metadata.put(FLOOR, String.format(Locale.ROOT, "%s", floor));
        } else {
            metadata.remove(FLOOR); // rewritten weights keep no stale floor
        }
    }

    /** Reads {@link #writeTo} back: {@link #WHOLE_OUTPUT} when the metadata holds no gate. */
    static GateSettings readFrom(Map<String, String> metadata, String file) {
        String enabled = metadata.get(ENABLED);
        if (enabled == null) return WHOLE_OUTPUT;
        try {
            if (!enabled.equals("true") && !enabled.equals("false")) throw new IllegalArgumentException(ENABLED + " '" + enabled + "'");
            if (enabled.equals("false")) return WHOLE_OUTPUT;
            return new GateSettings(true, Integer.parseInt(metadata.getOrDefault(GROW, "0")),
                    Double.parseDouble(metadata.getOrDefault(GAIN, "1")), Double.parseDouble(metadata.getOrDefault(FLOOR, "0")));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + ": invalid gate settings in its metadata (" + e.getMessage() + ")");
        }
    }
}
