package io.derain.pipeline.view;

import java.util.Locale;

/** What a view shows of a {@link LiveView.Snapshot}. */
public enum Panel {
    /** The frame as it came in. */
    INPUT,
    /** The frame as derained. */
    DERAINED,
    /** The raindrop map in grey, white = drop (black without a map). */
    MAP,
    /** {@code input | derained | map}, three panels side by side. */
    SIDE_BY_SIDE;

    /** The name in URLs: {@code input}, {@code derained}, {@code map}, {@code side-by-side}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The panel a URL names, or null. */
    public static Panel of(String label) {
        for (Panel p : values()) if (p.label().equals(label)) return p;
        return null;
    }
}
