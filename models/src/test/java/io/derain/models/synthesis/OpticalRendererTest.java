package io.derain.models.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OpticalRendererTest {
    private static final int W = 320, H = 180;
    /** Drops 5 to 11 px in radius: large enough to resolve their rims. */
    private static final RainSettings RAIN = RainSettings.defaults(RainStyle.OPTICAL).withVeil(0).withCoverage(0.15).withRadii(0.03, 0.06);

    private static GlassGeometry.Builder plate() {
        return GlassGeometry.builder().fieldOfView(60).glassDistance(30).tilt(0).sceneDistance(10_000)
                .contactAngles(50, 50).rimLight(0.1);
    }

    /** Renders one frame of a field of the default settings; returns rainy bytes and fills the mask. */
    private static byte[] render(GlassGeometry glass, byte[] clean, byte[] mask) {
        DropField field = new DropField(RAIN, 9);
        field.step(W, H);
        byte[] rainy = new byte[clean.length];
        try (OpticalRenderer renderer = new OpticalRenderer(RAIN, glass)) {
            renderer.render(field, ByteBuffer.wrap(clean), W, H, ByteBuffer.wrap(rainy), ByteBuffer.wrap(mask), null);
        }
        return rainy;
    }

    private static byte[] uniform(int level) {
        byte[] b = new byte[W * H * 3];
        Arrays.fill(b, (byte) level);
        return b;
    }

    @Test
    void sharpRoundDropsHaveDarkRimsAndShowTheSceneInside() {
        byte[] mask = new byte[W * H];
        byte[] rainy = render(plate().aperture(0).contactAngles(70, 70).build(), uniform(200), mask);
        int inside = 0, dark = 0, clear = 0;
        for (int i = 0; i < W * H; i++) {
            if (mask[i] == 0) continue;
            inside++;
            int v = rainy[3 * i] & 0xff;
            if (v < 60) dark++;
            if (v > 170) clear++;
        }
        assertTrue(inside > 0.05 * W * H, "drops cover " + inside);
        assertTrue(dark > 0.1 * inside, "totally reflected rims: " + dark + " of " + inside);
        assertTrue(clear > 0.3 * inside, "the scene seen through the drops: " + clear + " of " + inside);
    }

    @Test
    void aDropShowsTheSceneUpsideDown() {
        // The scene brightens downwards; seen through a drop it darkens downwards.
        byte[] clean = new byte[W * H * 3];
        for (int y = 0; y < H; y++) Arrays.fill(clean, y * W * 3, (y + 1) * W * 3, (byte) (40 + y));
        byte[] mask = new byte[W * H];
        byte[] rainy = render(plate().aperture(0).contactAngles(45, 45).build(), clean, mask);
        int darker = 0, brighter = 0;
        for (int y = 0; y + 1 < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x, j = i + W;
                if (mask[i] == 0 || mask[j] == 0) continue;
                int step = (rainy[3 * j] & 0xff) - (rainy[3 * i] & 0xff);
                if (step < 0) darker++;
                if (step > 0) brighter++;
            }
        }
        assertTrue(darker > 2 * brighter, "inside drops, downwards: " + darker + " darker, " + brighter + " brighter");
    }

    @Test
    void defocusWidensTheDropsAndSoftensTheirEdges() {
        byte[] sharpMask = new byte[W * H], softMask = new byte[W * H];
        byte[] sharp = render(plate().aperture(0).build(), uniform(200), sharpMask);
        GlassGeometry soft = plate().aperture(0.9).build();
        assertEquals(8.3, soft.blurDiameter(30, W), 0.1, "thin-lens blur circle");
        byte[] blurred = render(soft, uniform(200), softMask);
        assertTrue(count(softMask) > count(sharpMask), count(softMask) + " vs " + count(sharpMask));
        assertTrue(steepest(blurred) < 0.6 * steepest(sharp), steepest(blurred) + " vs " + steepest(sharp));
    }

    @Test
    void theMaskHoldsWhatVisiblyChangedRimsAndDefocusedFringesIncluded() {
        byte[] clean = TestScenes.drawn(W, H);
        for (GlassGeometry glass : new GlassGeometry[] {plate().aperture(0).contactAngles(70, 70).build(), plate().aperture(0.9).build()}) {
            byte[] mask = new byte[W * H];
            DropField field = new DropField(RAIN, 9);
            field.step(W, H);
            byte[] rainy = new byte[clean.length];
            try (OpticalRenderer renderer = new OpticalRenderer(RAIN, glass)) {
                renderer.render(field, ByteBuffer.wrap(clean), W, H, ByteBuffer.wrap(rainy), null, ByteBuffer.wrap(mask));
            }
            // The attention target, as training makes it from the coverage.
            DropMask.DROPS.fromCoverage(ByteBuffer.wrap(mask), ByteBuffer.wrap(mask), W * H);
            int visible = 0, covered = 0;
            for (int i = 0; i < W * H; i++) {
                int d = 0;
                for (int c = 0; c < 3; c++) d = Math.max(d, Math.abs((rainy[3 * i + c] & 0xff) - (clean[3 * i + c] & 0xff)));
                if (d < 20) continue;
                visible++;
                if (mask[i] != 0) covered++;
            }
            assertTrue(covered > 0.97 * visible, glass.describe() + ": the mask holds " + covered + " of " + visible
                    + " pixels changed by 20 levels or more");
        }
    }

    @Test
    void theSameGlassSeedAndFieldGiveTheSameFrame() {
        byte[] clean = TestScenes.drawn(W, H);
        DropField a = new DropField(RAIN, 4), b = new DropField(RAIN, 4);
        a.step(W, H);
        b.step(W, H);
        byte[] ra = new byte[clean.length], rb = new byte[clean.length];
        try (OpticalRenderer x = new OpticalRenderer(RAIN, GlassSetup.ANY, 7); OpticalRenderer y = new OpticalRenderer(RAIN, GlassSetup.ANY, 7)) {
            assertEquals(x.glass(), y.glass());
            x.render(a, ByteBuffer.wrap(clean), W, H, ByteBuffer.wrap(ra), null, null);
            y.render(b, ByteBuffer.wrap(clean), W, H, ByteBuffer.wrap(rb), null, null);
        }
        assertTrue(Arrays.equals(ra, rb));
        assertTrue(!Arrays.equals(ra, clean));
    }

    @Test
    void glassSetupsDrawTheirKindOfGeometry() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            GlassGeometry plate = GlassSetup.PLATE.draw(rng), shield = GlassSetup.WINDSHIELD.draw(rng);
            assertTrue(plate.tilt() <= 8 && plate.glassDistance() <= 50, plate.describe());
            assertTrue(shield.tilt() >= 30 && shield.fieldOfView() >= 90, shield.describe());
            double blur = plate.blurDiameter(plate.glassDistance(), 640);
            assertTrue(blur >= 2.9 && blur <= 40.5, "plate blur " + blur);
            // The real windshield clip's drops are soft: 1-4 px of blur per 640 at the glass, not a pinhole's sharp caps.
            double shieldBlur = shield.blurDiameter(shield.glassDistance(), 640);
            assertTrue(shieldBlur >= 0.99 && shieldBlur <= 4.01, "windshield blur " + shieldBlur);
        }
    }

    private static int count(byte[] mask) {
        int n = 0;
        for (byte b : mask) if (b != 0) n++;
        return n;
    }

    /** The largest step between horizontal neighbours, in levels. */
    private static int steepest(byte[] frame) {
        int best = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 1; x < W; x++) {
                int i = 3 * (y * W + x);
                best = Math.max(best, Math.abs((frame[i] & 0xff) - (frame[i - 3] & 0xff)));
            }
        }
        return best;
    }
}
