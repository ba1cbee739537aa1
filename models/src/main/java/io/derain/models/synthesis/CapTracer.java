package io.derain.models.synthesis;

/**
 * Follows one camera ray through one drop: a spherical cap of base radius 1 and contact angle τ on the outside
 * of the glass. Air to water at the flat base (the glass is thin: one interface), through the water to the
 * curved surface, water to air there, or total internal reflection when the ray meets it beyond the critical
 * angle (about 48.6°): those pixels show no scene, the dark rim of real drops. Fresnel transmission (Schlick)
 * at both interfaces says how much of the scene gets through. Everything is in the glass's frame, in units
 * of the drop's base radius (refraction is scale-free; the scene is far away). Not thread-safe: results
 * are left in the fields, so a pixel costs no allocation.
 */
final class CapTracer {
    private static final double R0 = Math.pow((GlassGeometry.WATER - 1) / (GlassGeometry.WATER + 1), 2);

    private double nx, ny, nz;
    private double sphereZ;
    private double sphereR;
    private double cosTau;

    /** Leaving direction of the last traced ray (unit); valid when {@link #transmitted} is above 0. */
    double outX, outY, outZ;
    /** Share of the scene's light that reaches the camera along the ray: 0 where it is totally reflected. */
    double transmitted;
    /** Height of the cap above the base at the traced point, in base radii. */
    double height;

    /**
     * The glass's outward normal (unit, away from the camera) and the drop's contact angle.
     * The cap's sphere has radius 1/sin τ and its centre 1/tan τ behind the base, on the camera's side.
     */
    void drop(double normalX, double normalY, double normalZ, double contactAngleRadians) {
        nx = normalX;
        ny = normalY;
        nz = normalZ;
        cosTau = Math.cos(contactAngleRadians);
        sphereR = 1 / Math.sin(contactAngleRadians);
        sphereZ = -cosTau * sphereR;
    }

    /**
     * Traces the ray of unit direction (dx, dy, dz) entering the base at (px, py, pz) relative to the base's
     * centre (a point of the glass plane, within radius 1). Sets {@link #transmitted}, {@link #height} and the
     * leaving direction.
     */
    void trace(double dx, double dy, double dz, double px, double py, double pz) {
        double rho2 = px * px + py * py + pz * pz;
        height = Math.sqrt(Math.max(0, sphereR * sphereR - rho2)) + sphereZ;
        // Air -> water at the base; cosine of incidence against the outward normal.
        double c1 = dx * nx + dy * ny + dz * nz;
        double eta = 1 / GlassGeometry.WATER;
        double k = 1 - eta * eta * (1 - c1 * c1);
        double f = eta * c1 - Math.sqrt(k);
        double tx = eta * dx - f * nx, ty = eta * dy - f * ny, tz = eta * dz - f * nz;
        double t1 = 1 - schlick(c1);
        // Through the water to the sphere: centre O = sphereZ * n from the base's centre.
        double mx = px - sphereZ * nx, my = py - sphereZ * ny, mz = pz - sphereZ * nz;
        double b = mx * tx + my * ty + mz * tz;
        double s = -b + Math.sqrt(Math.max(0, b * b - (mx * mx + my * my + mz * mz) + sphereR * sphereR));
        double ex = (mx + s * tx) / sphereR, ey = (my + s * ty) / sphereR, ez = (mz + s * tz) / sphereR;
        // Water -> air at the curved surface.
        double c2 = ex * tx + ey * ty + ez * tz;
        double n = GlassGeometry.WATER;
        double k2 = 1 - n * n * (1 - c2 * c2);
        if (k2 <= 0) {
            transmitted = 0;
            return;
        }
        double cosOut = Math.sqrt(k2);
        double g = n * c2 - cosOut;
        outX = n * tx - g * ex;
        outY = n * ty - g * ey;
        outZ = n * tz - g * ez;
        double len = Math.sqrt(outX * outX + outY * outY + outZ * outZ);
        outX /= len;
        outY /= len;
        outZ /= len;
        // Schlick going from the denser medium uses the angle on the air side.
        transmitted = t1 * (1 - schlick(cosOut));
    }

    private static double schlick(double cos) {
        double m = 1 - Math.abs(cos);
        double m2 = m * m;
        return R0 + (1 - R0) * m2 * m2 * m;
    }
}
