package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RainSimulationTest {
    private static final int W = 320, H = 180;
    private static final byte[] CLEAN = TestScenes.drawn(W, H);

    /** One rendered frame: rainy BGR and the binary mask. */
    private record Frame(byte[] rainy, byte[] mask) {}

    private static Frame next(RainSimulation rain) {
        byte[] rainy = new byte[CLEAN.length], mask = new byte[W * H];
        rain.next(ByteBuffer.wrap(CLEAN), W, H, ByteBuffer.wrap(rainy), ByteBuffer.wrap(mask), null);
        return new Frame(rainy, mask);
    }

    @ParameterizedTest
    @EnumSource(RainStyle.class)
    void sameSeedAndFramesGiveSameOutput(RainStyle style) {
        try (RainSimulation a = new RainSimulation(RainSettings.defaults(style), 42);
             RainSimulation b = new RainSimulation(RainSettings.defaults(style), 42);
             RainSimulation c = new RainSimulation(RainSettings.defaults(style), 43)) {
            for (int f = 0; f < 5; f++) {
                Frame fa = next(a), fb = next(b), fc = next(c);
                assertArrayEquals(fa.rainy(), fb.rainy(), "frame " + f);
                assertArrayEquals(fa.mask(), fb.mask(), "frame " + f);
                assertFalse(Arrays.equals(fa.mask(), fc.mask()), "another seed, other drops");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RainStyle.class)
    void maskMarksExactlyTheAlteredPixels(RainStyle style) {
        try (RainSimulation rain = new RainSimulation(RainSettings.defaults(style).withVeil(0), 1)) {
            for (int f = 0; f < 3; f++) {
                Frame frame = next(rain);
                int inMask = 0, changedInMask = 0;
                for (int i = 0; i < W * H; i++) {
                    boolean changed = frame.rainy()[3 * i] != CLEAN[3 * i] || frame.rainy()[3 * i + 1] != CLEAN[3 * i + 1]
                            || frame.rainy()[3 * i + 2] != CLEAN[3 * i + 2];
                    if (frame.mask()[i] == 0) {
                        assertFalse(changed, "pixel " + i + " outside the mask was altered");
                    } else {
                        assertEquals((byte) 255, frame.mask()[i]);
                        inMask++;
                        if (changed) changedInMask++;
                    }
                }
                assertTrue(inMask > 0.05 * W * H, "mask covers " + inMask + " pixels");
                assertTrue(changedInMask > 0.8 * inMask, changedInMask + " of " + inMask + " mask pixels altered");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RainStyle.class)
    void moreDensityCoversMore(RainStyle style) {
        double previous = -1;
        for (double d : new double[] {0.05, 0.15, 0.3, 0.5}) {
            try (RainSimulation rain = new RainSimulation(RainSettings.defaults(style).withCoverage(d), 5)) {
                double covered = 0;
                for (int f = 0; f < 3; f++) covered += fraction(next(rain).mask());
                assertTrue(covered > previous, "density " + d + " covers " + covered + " <= " + previous);
                previous = covered;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RainStyle.class)
    void dropsPersistAndEvolveAcrossFrames(RainStyle style) {
        try (RainSimulation rain = new RainSimulation(RainSettings.defaults(style), 9)) {
            Frame first = next(rain), previous = first;
            Map<Drop, double[]> initial = new IdentityHashMap<>();
            for (Drop d : rain.field().drops()) initial.put(d, new double[] {d.x(), d.y(), d.radius()});
            double worst = 1;
            for (int f = 1; f <= 50; f++) {
                Frame frame = next(rain);
                worst = Math.min(worst, iou(previous.mask(), frame.mask()));
                previous = frame;
            }
            assertTrue(worst > 0.6, "consecutive masks overlap by IoU " + worst);
            assertTrue(iou(first.mask(), previous.mask()) < 0.95, "the rain must change over 50 frames");
            int moved = 0, grew = 0, kept = 0;
            for (Drop d : rain.field().drops()) {
                double[] was = initial.get(d);
                if (was == null) continue;
                kept++;
                if (Math.hypot(d.x() - was[0], d.y() - was[1]) > 3) moved++;
                if (d.radius() > was[2] * 1.02) grew++;
            }
            assertTrue(kept > initial.size() / 3, "most drops stay: " + kept + " of " + initial.size());
            assertTrue(moved > 0, "some drops run down");
            assertTrue(grew > kept / 2, "resting drops grow: " + grew + " of " + kept);
        }
    }

    @Test
    void newFrameSizeRestartsTheField() {
        DropField field = new DropField(RainSettings.defaults(RainStyle.WINDSHIELD), 3);
        field.step(W, H);
        field.step(W, H);
        assertEquals(1, field.frame());
        field.step(100, 60);
        assertEquals(0, field.frame());
        assertEquals(100, field.width());
        assertFalse(field.drops().isEmpty());
        for (Drop d : field.drops()) {
            assertTrue(d.x() > -d.extent() * 2 && d.x() < 100 + d.extent() * 2, "drop inside the new frame");
        }
    }

    @Test
    void matAndDirectBufferApisAgreeAndWorkInPlace() {
        RainSettings settings = RainSettings.defaults(RainStyle.MIXED);
        Frame expected;
        try (RainSimulation rain = new RainSimulation(settings, 11)) {
            expected = next(rain);
        }
        try (RainSimulation rain = new RainSimulation(settings, 11)) {
            ByteBuffer frame = ByteBuffer.allocateDirect(CLEAN.length).put(CLEAN);
            ByteBuffer mask = ByteBuffer.allocateDirect(W * H);
            rain.next(frame, W, H, frame, mask, null);
            byte[] rainy = new byte[CLEAN.length], m = new byte[W * H];
            frame.get(0, rainy);
            mask.get(0, m);
            assertArrayEquals(expected.rainy(), rainy);
            assertArrayEquals(expected.mask(), m);
        }
        try (RainSimulation rain = new RainSimulation(settings, 11);
             BytePointer data = new BytePointer(CLEAN);
             Mat clean = new Mat(H, W, CV_8UC3, data);
             Mat rainy = new Mat(); Mat mask = new Mat(); Mat coverage = new Mat()) {
            rain.next(clean, rainy, mask, coverage);
            byte[] r = new byte[CLEAN.length], m = new byte[W * H], c = new byte[W * H];
            rainy.data().get(r);
            mask.data().get(m);
            coverage.data().get(c);
            assertArrayEquals(expected.rainy(), r);
            assertArrayEquals(expected.mask(), m);
            for (int i = 0; i < W * H; i++) assertEquals(m[i] != 0, c[i] != 0, "coverage > 0 exactly on the mask");
        }
    }

    private static double fraction(byte[] mask) {
        int n = 0;
        for (byte b : mask) if (b != 0) n++;
        return (double) n / mask.length;
    }

    private static double iou(byte[] a, byte[] b) {
        int inter = 0, union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean x = a[i] != 0, y = b[i] != 0;
            if (x && y) inter++;
            if (x || y) union++;
        }
        return union == 0 ? 1 : (double) inter / union;
    }
}
