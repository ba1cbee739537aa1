package io.derain.models.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The optics of one cap, against what Snell's law says by hand. Glass parallel to the image plane: n = +z. */
class CapTracerTest {
    private final CapTracer tracer = new CapTracer();

    @Test
    void aRayThroughTheCentreAtNormalIncidenceGoesStraightOn() {
        tracer.drop(0, 0, 1, Math.toRadians(50));
        tracer.trace(0, 0, 1, 0, 0, 0);
        assertEquals(0, tracer.outX, 1e-9);
        assertEquals(1, tracer.outZ, 1e-9);
        double r0 = Math.pow(0.333 / 2.333, 2);
        assertEquals((1 - r0) * (1 - r0), tracer.transmitted, 1e-9, "Fresnel at both interfaces");
        // Height at the centre of a cap of contact angle τ and base radius 1: (1 − cos τ) / sin τ.
        double tau = Math.toRadians(50);
        assertEquals((1 - Math.cos(tau)) / Math.sin(tau), tracer.height, 1e-9);
    }

    @Test
    void theViewIsInvertedAndWidensTowardsTheRim() {
        tracer.drop(0, 0, 1, Math.toRadians(40));
        tracer.trace(0, 0, 1, 0.3, 0, 0);
        double near = tracer.outX;
        tracer.trace(0, 0, 1, 0.6, 0, 0);
        double far = tracer.outX;
        assertTrue(near < 0, "a point right of the centre looks left: " + near);
        assertTrue(far < near, "further out, further round: " + far + " vs " + near);
        // Snell by hand at the exit: the sphere's normal at the point above (0.3, 0) and the refraction of +z.
        double tau = Math.toRadians(40), radius = 1 / Math.sin(tau), centreZ = -Math.cos(tau) * radius;
        tracer.trace(0, 0, 1, 0.3, 0, 0);
        double ez = Math.sqrt(radius * radius - 0.09) ;
        double nx = 0.3 / radius, nz = ez / radius;
        double sinIn = nx; // angle between +z and the normal
        double sinOut = 1.333 * sinIn;
        double expectedAngle = Math.asin(sinOut) - Math.asin(sinIn); // deviation from +z, towards −x
        assertEquals(-Math.sin(expectedAngle), tracer.outX, 1e-9);
        assertTrue(centreZ < 0 && nz > 0);
    }

    @Test
    void roundDropsReflectTotallyNearTheirRimAndFlatOnesDoNot() {
        tracer.drop(0, 0, 1, Math.toRadians(70));
        tracer.trace(0, 0, 1, 0.95, 0, 0);
        assertEquals(0, tracer.transmitted, "beyond the critical angle: a dark rim");
        tracer.drop(0, 0, 1, Math.toRadians(25));
        tracer.trace(0, 0, 1, 0.95, 0, 0);
        assertTrue(tracer.transmitted > 0.5, "a flat drop lets the light through: " + tracer.transmitted);
    }
}
