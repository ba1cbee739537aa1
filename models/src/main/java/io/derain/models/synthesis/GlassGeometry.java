package io.derain.models.synthesis;

import io.derain.models.SettingsException;
import java.util.Locale;

/**
 * One camera behind one pane of glass, in the model of Roser &amp; Geiger (2009) and Halder et al. (2019)
 * ({@code ../shared/docs/raindrop-optics.md}): a pinhole camera at the origin looking along +z (x right, y
 * down, as the image), the glass a plane tilted back by {@code tilt} from the image plane and crossing the
 * optical axis {@code glassDistance} away (its top leans towards the camera, as a windshield's does), the
 * scene a plane {@code sceneDistance} away. Drops are spherical caps on the outside of the glass with a
 * contact angle between the two given; a thin lens focused at {@code focusDistance} with an aperture
 * {@code aperture} wide defocuses them. Lengths in millimetres, angles in degrees.
 *
 * <p>Build one with {@link #builder()}; {@link GlassSetup} draws them from measured ranges.
 *
 * @param fieldOfView      horizontal field of view of the camera (10..170)
 * @param glassDistance    where the optical axis meets the glass, mm (M)
 * @param tilt             angle of the glass to the image plane (ψ; 0 = parallel, a lens cover; 30..60 a windshield)
 * @param sceneDistance    distance of the scene plane, mm (B)
 * @param aperture         entrance pupil diameter, mm (focal length over f-number); 0 = a pinhole, no blur
 * @param focusDistance    where the lens is focused, mm; {@link Double#POSITIVE_INFINITY} for the road
 * @param minContactAngle  smallest contact angle of a drop (τ; a dirty windshield low)
 * @param maxContactAngle  largest contact angle (a coated, clean one high); each drop gets one in between
 * @param rimLight         brightness of what a pixel shows whose ray is totally reflected inside a drop, relative to the
 *                         scene around the drop: below 1 the dark rims of drops before a dark interior, above 1 rims lit
 *                         by a bright sky (0..2)
 * @param haze             share of light a drop scatters instead of refracting (0..0.9): dirt and uneven water make
 *                         real drops milky; they then show the airlight, the frame's mean lifted towards white
 */
public record GlassGeometry(double fieldOfView, double glassDistance, double tilt, double sceneDistance, double aperture,
                            double focusDistance, double minContactAngle, double maxContactAngle, double rimLight, double haze) {
    /** Refractive index of water. */
    public static final double WATER = 1.333;

    public GlassGeometry {
        require(fieldOfView >= 10 && fieldOfView <= 170, "field of view must be in [10, 170] degrees: " + fieldOfView);
        require(glassDistance > 0, "glass distance must be positive: " + glassDistance);
        require(tilt >= 0 && tilt <= 75, "tilt must be in [0, 75] degrees: " + tilt);
        require(sceneDistance > glassDistance, "the scene must lie behind the glass: " + sceneDistance);
        require(aperture >= 0 && aperture <= 100, "aperture must be in [0, 100] mm: " + aperture);
        require(focusDistance > 0, "focus distance must be positive: " + focusDistance);
        require(minContactAngle >= 10 && maxContactAngle <= 90 && minContactAngle <= maxContactAngle,
                "contact angles must satisfy 10 <= min <= max <= 90: " + minContactAngle + ", " + maxContactAngle);
        require(rimLight >= 0 && rimLight <= 2, "rim light must be in [0, 2]: " + rimLight);
        require(haze >= 0 && haze <= 0.9, "haze must be in [0, 0.9]: " + haze);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new SettingsException(message);
    }

    /** The focal length in pixels of a frame {@code width} pixels wide. */
    public double focalPixels(int width) {
        return width / 2.0 / Math.tan(Math.toRadians(fieldOfView) / 2);
    }

    /**
     * Diameter in pixels of the blur circle of a point {@code depth} mm away (thin lens, focus at
     * {@link #focusDistance}): {@code f_px · A · |1/depth − 1/s|}.
     */
    public double blurDiameter(double depth, int width) {
        return focalPixels(width) * aperture * Math.abs(1 / depth - 1 / focusDistance);
    }

    public String describe() {
        return String.format(Locale.ROOT, "fov %.0f°, glass %.0f mm tilted %.0f°, scene %.1f m, aperture %.2f mm, "
                        + "contact %.0f-%.0f°, rim light %.2f, haze %.2f", fieldOfView, glassDistance, tilt, sceneDistance / 1000,
                aperture, minContactAngle, maxContactAngle, rimLight, haze);
    }

    public static Builder builder() { return new Builder(); }

    /** Defaults: a dashcam (120°) behind a windshield 300 mm away tilted 45°, focused on a road 10 m away. */
    public static final class Builder {
        private double fieldOfView = 120, glassDistance = 300, tilt = 45, sceneDistance = 10_000, aperture = 1.5;
        private double focusDistance = Double.POSITIVE_INFINITY, minContactAngle = 30, maxContactAngle = 70, rimLight = 0.2, haze = 0;

        public Builder fieldOfView(double degrees) { this.fieldOfView = degrees; return this; }
        public Builder glassDistance(double mm) { this.glassDistance = mm; return this; }
        public Builder tilt(double degrees) { this.tilt = degrees; return this; }
        public Builder sceneDistance(double mm) { this.sceneDistance = mm; return this; }
        public Builder aperture(double mm) { this.aperture = mm; return this; }
        public Builder focusDistance(double mm) { this.focusDistance = mm; return this; }
        public Builder contactAngles(double min, double max) { this.minContactAngle = min; this.maxContactAngle = max; return this; }
        public Builder rimLight(double level) { this.rimLight = level; return this; }
        public Builder haze(double share) { this.haze = share; return this; }

        public GlassGeometry build() {
            return new GlassGeometry(fieldOfView, glassDistance, tilt, sceneDistance, aperture, focusDistance,
                    minContactAngle, maxContactAngle, rimLight, haze);
        }
    }
}
