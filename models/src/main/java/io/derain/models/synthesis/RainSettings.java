package io.derain.models.synthesis;

import io.derain.models.SettingsException;

/**
 * Parameters of the rain simulation and its look. Lengths are fractions of the frame height so that a
 * setting looks the same at every resolution; rates are per video frame (about 30 fps).
 *
 * @param style          which look(s) the drops get
 * @param coverage       the density D: the fraction of the frame area the drops aim to cover
 *                       (0 = dry, 0.2 = moderate rain, 0.5 = heavy); spawning keeps the field near it
 * @param minRadius      smallest radius of a freshly landed drop (fraction of frame height)
 * @param maxRadius      largest radius of a freshly landed drop; sizes follow a power law in between,
 *                       so small drops are common and large ones rare
 * @param slideRadius    drops that grow (by merging) beyond this radius overcome friction and run down
 * @param growthPerFrame relative radius growth per frame of resting drops (condensation, fine drizzle)
 * @param slideSpeed     speed of a running drop twice the slide radius (fraction of frame height per frame)
 * @param rainRate       newly landing drops per frame as a fraction of the steady-state drop count;
 *                       sets how fast the field changes, not how much of it is covered
 * @param refraction     half-size of the scene region a drop shows, inverted (fraction of frame height);
 *                       a drop acts as a wide-angle lens, so small drops shrink the scene more
 * @param defocus        blur radius of out-of-focus ({@link RainStyle#LENS}) drops (fraction of height)
 * @param maskThreshold  coverage (0..1) below which a pixel is left bit-exact and is outside the mask;
 *                       everything at or above it is altered and marked as drop
 * @param veil           strength (0..0.9) of the wet-glass veil over the whole frame ({@link GlassVeil});
 *                       0 leaves every pixel outside the drops bit-exact
 * @param veilLift       the veil's airlight is lifted from 0.15 up to this (0.15..1 of full scale) above the
 *                       frame's mean ({@link GlassVeil#DEFAULT_MAX_LIFT} by default)
 * @param streaks        fraction of the frame covered by falling-rain streaks ({@link RainStreaks}), new every
 *                       frame; 0 = none
 */
public record RainSettings(
        RainStyle style,
        double coverage,
        double minRadius,
        double maxRadius,
        double slideRadius,
        double growthPerFrame,
        double slideSpeed,
        double rainRate,
        double refraction,
        double defocus,
        double maskThreshold,
        double veil,
        double veilLift,
        double streaks) {

    public RainSettings {
        if (style == null) throw new SettingsException("style is required");
        if (!(coverage >= 0 && coverage <= 0.9)) throw new SettingsException("coverage must be in [0, 0.9]: " + coverage);
        if (!(minRadius > 0 && maxRadius >= minRadius)) throw new SettingsException("need 0 < minRadius <= maxRadius");
        if (!(slideRadius > 0)) throw new SettingsException("slideRadius must be positive");
        if (!(maskThreshold > 0 && maskThreshold < 1)) throw new SettingsException("maskThreshold must be in (0, 1)");
        if (!(veil >= 0 && veil <= 0.9)) throw new SettingsException("veil must be in [0, 0.9]: " + veil);
        if (!(veilLift >= GlassVeil.MIN_LIFT && veilLift <= 1)) throw new SettingsException("veil lift must be in [0.15, 1]: " + veilLift);
        if (!(streaks >= 0 && streaks <= 0.3)) throw new SettingsException("streak density must be in [0, 0.3]: " + streaks);
        if (growthPerFrame < 0 || slideSpeed < 0 || rainRate < 0 || refraction < 0 || defocus < 0) {
            throw new SettingsException("rates and lengths must not be negative");
        }
    }

    /**
     * Settings that resemble the real photos for the given style. The veil: a lens close to the water film
     * scatters most (real pairs: 0.13–0.21 of full scale; see {@link GlassVeil}), a windshield seen from
     * the cabin less.
     */
    public static RainSettings defaults(RainStyle style) {
        return switch (style) {
            case LENS -> new RainSettings(style, 0.30, 0.012, 0.07, 0.07, 0.0008, 0.012, 0.01, 0.25, 0.007, 0.04, 0.18, GlassVeil.DEFAULT_MAX_LIFT, 0);
            case WINDSHIELD -> new RainSettings(style, 0.16, 0.005, 0.028, 0.03, 0.0008, 0.010, 0.01, 0.25, 0.0, 0.04, 0.08, GlassVeil.DEFAULT_MAX_LIFT, 0);
            case MIXED -> new RainSettings(style, 0.24, 0.006, 0.055, 0.05, 0.0008, 0.011, 0.01, 0.25, 0.007, 0.04, 0.14, GlassVeil.DEFAULT_MAX_LIFT, 0);
            // Sizes and density measured on real drops (README, "Drops that measure like real ones"); refraction
            // and defocus follow from the glass geometry, not from these settings.
            case OPTICAL -> new RainSettings(style, 0.35, 0.0038, 0.042, 0.03, 0.0008, 0.010, 0.01, 0, 0, 0.04, 0.12, GlassVeil.DEFAULT_MAX_LIFT, 0);
        };
    }

    public RainSettings withStreaks(double newStreaks) {
        return new RainSettings(style, coverage, minRadius, maxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, maskThreshold, veil, veilLift, newStreaks);
    }

    public RainSettings withVeil(double newVeil) {
        return new RainSettings(style, coverage, minRadius, maxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, maskThreshold, newVeil, veilLift, streaks);
    }

    public RainSettings withVeilLift(double newVeilLift) {
        return new RainSettings(style, coverage, minRadius, maxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, maskThreshold, veil, newVeilLift, streaks);
    }

    public RainSettings withCoverage(double newCoverage) {
        return new RainSettings(style, newCoverage, minRadius, maxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, maskThreshold, veil, veilLift, streaks);
    }

    public RainSettings withRadii(double newMinRadius, double newMaxRadius) {
        return new RainSettings(style, coverage, newMinRadius, newMaxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, maskThreshold, veil, veilLift, streaks);
    }

    public RainSettings withMaskThreshold(double newMaskThreshold) {
        return new RainSettings(style, coverage, minRadius, maxRadius, slideRadius, growthPerFrame,
                slideSpeed, rainRate, refraction, defocus, newMaskThreshold, veil, veilLift, streaks);
    }
}
