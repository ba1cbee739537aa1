package io.derain.models.synthesis;

import io.derain.models.SettingsException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Which pixels count as raindrop. The renderer reports soft coverage (0..255); two binary masks follow:
 * {@link #ALTERED}, every pixel a drop changes at all (the faint fringes of defocused drops included),
 * and {@link #DROPS}, pixels at least half covered by a drop — what can be seen, and what the
 * attention map is trained to find (like the paper's |rainy − clean| > 30 rule, without its dependence
 * on the scene behind the drop).
 */
public enum DropMask {
    DROPS, ALTERED;

    /** Coverage (0..255) from which a pixel is inside a drop. */
    public static final int HALF_COVERED = 128;

    /** Writes the mask (0/255) for {@code pixels} coverage values; {@code mask} may be {@code coverage}. */
    public void fromCoverage(ByteBuffer coverage, ByteBuffer mask, int pixels) {
        int from = this == DROPS ? HALF_COVERED : 1;
        for (int i = 0; i < pixels; i++) {
            mask.put(i, (coverage.get(i) & 0xff) >= from ? (byte) 255 : 0);
        }
    }

    public static DropMask parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("mask: expected drops or altered, got '" + s + "'");
        }
    }
}
