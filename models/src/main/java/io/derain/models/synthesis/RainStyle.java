package io.derain.models.synthesis;

/** How raindrops on the glass look in the rendered frame. */
public enum RainStyle {
    /** Drops on a lens or a window far from the focus plane: soft, bright, low-contrast blobs. */
    LENS,
    /** Drops on a windshield in focus: sharp edges, dark rims, a specular highlight. */
    WINDSHIELD,
    /** Both kinds at once; each drop is drawn as one of the two looks. */
    MIXED,
    /**
     * Physically based: drops as spherical caps on a glass plane, traced per pixel and defocused by the lens
     * ({@link OpticalRenderer}); the glass is a {@link GlassSetup}.
     */
    OPTICAL;

    /** Whether a drop of this frame style may be drawn with the given single look. */
    boolean includes(RainStyle look) {
        return this == MIXED || this == look;
    }
}
