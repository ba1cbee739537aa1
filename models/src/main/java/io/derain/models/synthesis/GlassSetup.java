package io.derain.models.synthesis;

import io.derain.models.SettingsException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Kinds of glass in front of a camera, each a range of {@link GlassGeometry} to draw from (domain
 * randomisation over what the real material does not pin down). The ranges are those of published renderers
 * ({@code ../shared/docs/raindrop-optics.md}), narrowed where the real material measured otherwise (README,
 * "Drops that measure like real ones").
 */
public enum GlassSetup {
    /**
     * Qian et al.'s rig: a camera focused on the scene behind a glass plate a few centimetres away, parallel
     * to the image plane; drops out of focus, soft-edged, with a sharp inverted view inside.
     */
    PLATE,
    /** A dashcam behind a tilted windshield, focused on the road: wide angle, drops softly blurred, thin dark rims. */
    WINDSHIELD,
    /** Either, drawn per job (or per training sample). */
    ANY;

    /** Draws one geometry of this kind. */
    public GlassGeometry draw(SplittableRandom rng) {
        GlassSetup kind = this == ANY ? (rng.nextBoolean() ? PLATE : WINDSHIELD) : this;
        GlassGeometry.Builder b = GlassGeometry.builder().sceneDistance(between(rng, 4_000, 20_000));
        if (kind == PLATE) {
            double distance = between(rng, 20, 50);
            // Qian's photos range from nearly sharp small drops to bokeh discs 40 px across at 720 wide: the blur
            // circle at the glass is drawn log-uniformly from 3 to 40 px per 640 px of width, whatever the lens.
            double fov = between(rng, 40, 70), blurPerWidth = Math.exp(between(rng, Math.log(3), Math.log(40))) / 640;
            double focalOverWidth = 0.5 / Math.tan(Math.toRadians(fov) / 2);
            return b.fieldOfView(fov).glassDistance(distance).tilt(between(rng, 0, 8))
                    .aperture(blurPerWidth * distance / focalOverWidth)
                    .contactAngles(between(rng, 30, 45), between(rng, 50, 70)).rimLight(between(rng, 0.6, 1.4)).haze(between(rng, 0, 0.15)).build();
        }
        // Matched by eye to the real windshield clip (README, "Drops that measure like real ones"): its drops are soft
        // (a blur of 1-4 px per 640 at the glass, log-uniform; a small dashcam pupil alone would give under 2), their
        // bodies a little milky, the dark crescent along their upper edge thin.
        double fov = between(rng, 90, 130), distance = between(rng, 100, 600);
        double blurPerWidth = Math.exp(between(rng, Math.log(1), Math.log(4))) / 640;
        double focalOverWidth = 0.5 / Math.tan(Math.toRadians(fov) / 2);
        return b.fieldOfView(fov).glassDistance(distance).tilt(between(rng, 30, 60))
                .aperture(blurPerWidth * distance / focalOverWidth)
                .contactAngles(between(rng, 20, 35), between(rng, 40, 60)).rimLight(between(rng, 0.15, 0.5))
                .haze(between(rng, 0, 0.15)).build();
    }

    private static double between(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    public static GlassSetup parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("glass: expected plate, windshield or any, got '" + s + "'");
        }
    }
}
