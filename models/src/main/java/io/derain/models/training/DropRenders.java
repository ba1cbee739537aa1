package io.derain.models.training;

import io.derain.models.SettingsException;
import java.util.Locale;

/** Which renderer draws the drops of the training samples (the A/B of the optical renderer needs each alone). */
public enum DropRenders {
    /** The heuristic lens and windshield looks, half the samples each (what the bundled weights were trained on). */
    HEURISTIC,
    /** Physically based drops on randomly drawn glass ({@link io.derain.models.synthesis.OpticalRenderer}). */
    OPTICAL,
    /** Half the samples each way. */
    BOTH;

    public static DropRenders parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("expected heuristic, optical or both, got '" + s + "'");
        }
    }
}
