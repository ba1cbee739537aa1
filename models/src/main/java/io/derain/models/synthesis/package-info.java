/**
 * Raindrop synthesis: a seeded simulation of drops on glass ({@link io.derain.models.synthesis.DropField})
 * and a renderer that refracts a clean frame through them ({@link io.derain.models.synthesis.RaindropRenderer}).
 * {@link io.derain.models.synthesis.RainSimulation} ties both together per video frame and yields the
 * rainy frame, the drop coverage and the binary drop mask used by training.
 *
 * <p>Sizes are fractions of the frame height, so the same settings give the same look at any resolution.
 */
package io.derain.models.synthesis;
