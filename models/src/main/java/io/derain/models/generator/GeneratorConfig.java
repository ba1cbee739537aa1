package io.derain.models.generator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of an attentive generator: the paper's configuration or a lighter one of the same design.
 *
 * @param name              short name users select it by ({@code paper}, {@code lite}, or custom)
 * @param recurrentChannels feature and LSTM state channels of the attentive-recurrent part (paper: 32)
 * @param residualBlocks    residual blocks per recurrent step (paper: 5)
 * @param steps             recurrent steps, i.e. attention maps produced (paper: 4)
 * @param width1            autoencoder channels at full scale (paper: 64)
 * @param width2            autoencoder channels at 1/2 scale (paper: 128)
 * @param width3            autoencoder channels at 1/4 scale (paper: 256)
 * @param residual          the autoencoder's outputs are corrections added to the input (at each output
 *                          scale) instead of whole images (paper: false). A small network then keeps the
 *                          detail of what it need not change, and a whole-frame correction (the veil of
 *                          wet glass) is a smooth residual, so its whole output can be used ungated.
 */
public record GeneratorConfig(String name, int recurrentChannels, int residualBlocks, int steps,
                              int width1, int width2, int width3, boolean residual) {

    /** The released network of Qian et al.: 6,244,362 parameters, ~2.33 MFLOP per pixel. */
    public static final GeneratorConfig PAPER = new GeneratorConfig("paper", 32, 5, 4, 64, 128, 256);

    /** Same design sized for CPUs: 8 recurrent channels, 2 residual blocks, 3 steps, a 4x narrower autoencoder; about 1/21 of the paper's cost per pixel. */
    public static final GeneratorConfig LITE = new GeneratorConfig("lite", 8, 2, 3, 16, 32, 64);

    public GeneratorConfig {
        if (recurrentChannels < 1 || residualBlocks < 0 || steps < 1 || width1 < 1 || width2 < 1 || width3 < 1) {
            throw new IllegalArgumentException("invalid generator configuration " + name);
        }
    }

    /** A configuration whose outputs are whole images, as in the paper. */
    public GeneratorConfig(String name, int recurrentChannels, int residualBlocks, int steps,
                           int width1, int width2, int width3) {
        this(name, recurrentChannels, residualBlocks, steps, width1, width2, width3, false);
    }

    /** The same network with residual outputs ({@link #residual()}). */
    public GeneratorConfig withResidual(boolean on) {
        return new GeneratorConfig(name, recurrentChannels, residualBlocks, steps, width1, width2, width3, on);
    }

    public static GeneratorConfig named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "paper" -> PAPER;
            case "lite" -> LITE;
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: paper, lite)");
        };
    }

    /** Multiply-accumulates per input pixel (one FLOP pair each), for cost estimates and benchmarks. */
    public double macsPerPixel() {
        double r = recurrentChannels;
        double step = 9 * 4 * r + residualBlocks * 2 * 9 * r * r + 4 * 9 * 2 * r * r + 9 * r;
        double w1 = width1, w2 = width2, w3 = width3, w0 = outputChannels();
        // Per pixel at each scale; a 4x4 stride-2 transposed conv costs 4 MACs per in x out channel per output pixel.
        double full = 25 * 4 * w1 + 4 * w2 * w1 + 9 * w1 * w0 + 9 * w0 * 3;
        double half = 9 * w1 * w2 + 2 * 9 * w2 * w2 + 9 * w2 * 3 + 4 * w3 * w2;
        double quarter = 9 * w2 * w3 + 8 * 9 * w3 * w3 + 9 * w3 * 3;
        return steps * step + full + half / 4 + quarter / 16;
    }

    /** Channels of the last hidden layer ({@code conv10}): 32 in the paper, half of {@link #width1}. */
    public int outputChannels() {
        return Math.max(1, width1 / 2);
    }

    /** As stored in checkpoint metadata. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model.name", name);
        m.put("model.recurrentChannels", Integer.toString(recurrentChannels));
        m.put("model.residualBlocks", Integer.toString(residualBlocks));
        m.put("model.steps", Integer.toString(steps));
        m.put("model.widths", width1 + "," + width2 + "," + width3);
        if (residual) m.put("model.residual", "true");
        return m;
    }

    /** Reads {@link #toMetadata()} back; null when the metadata holds no model description. */
    public static GeneratorConfig fromMetadata(Map<String, String> m) {
        if (!m.containsKey("model.recurrentChannels")) return null;
        String[] w = m.get("model.widths").split(",");
        return new GeneratorConfig(m.getOrDefault("model.name", "custom"),
                Integer.parseInt(m.get("model.recurrentChannels")), Integer.parseInt(m.get("model.residualBlocks")),
                Integer.parseInt(m.get("model.steps")),
                Integer.parseInt(w[0].trim()), Integer.parseInt(w[1].trim()), Integer.parseInt(w[2].trim()),
                Boolean.parseBoolean(m.getOrDefault("model.residual", "false")));
    }
}
