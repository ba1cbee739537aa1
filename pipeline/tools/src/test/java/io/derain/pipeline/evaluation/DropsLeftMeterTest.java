package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.FrameSink;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The no-reference drops measure on a made-up video whose truth is known: a textured scene sliding by 3 pixels a
 * frame behind still "drops" (dark-rimmed discs that never move). The clean scene scores all drops removed and all
 * detail kept, the rainy input nothing removed, a blur removes drops and detail alike, and a scene that stands
 * still gives no evidence.
 */
class DropsLeftMeterTest {
    private static final int W = 320, H = 180, FRAMES = 12;

    @Test
    void theTruthScoresFullMarksAndTheInputNone() throws Exception {
        Scores clean = score(t -> scene(t, 3, false), t -> scene(t, 3, true));
        assertTrue(clean.removed > 0.9, "the clean scene shows no still structure: " + clean);
        assertTrue(clean.kept > 0.9, "and keeps the moving detail: " + clean);
        Scores rainy = score(t -> scene(t, 3, false), t -> scene(t, 3, false));
        assertEquals(0, rainy.removed, 1e-9, rainy.toString());
        assertEquals(1, rainy.kept, 1e-9, rainy.toString());
    }

    @Test
    void blurringEverythingLosesTheMovingDetail() throws Exception {
        Scores blurred = score(t -> scene(t, 3, false), t -> blur(scene(t, 3, false), 4));
        assertTrue(blurred.kept < 0.6, "a blur keeps little of the moving scene's detail: " + blurred);
    }

    @Test
    void aSceneStandingStillIsNoEvidence() throws Exception {
        Scores stopped = score(t -> scene(t, 0, false), t -> scene(t, 0, true));
        assertEquals(0, stopped.framesWithMotion, stopped.toString());
        assertTrue(Double.isNaN(stopped.removed), stopped.toString());
    }

    private record Scores(double removed, double kept, long framesWithMotion) {}

    private static Scores score(IntFunction<VideoFrame> input, IntFunction<VideoFrame> output) throws Exception {
        try (DropsLeftMeter meter = new DropsLeftMeter(new Discard())) {
            for (int t = 0; t < FRAMES; t++) {
                VideoFrame in = input.apply(t);
                in.setIndex(t);
                meter.inputTap().see(in);
                VideoFrame out = output.apply(t);
                out.setIndex(t);
                meter.write(out);
            }
            return new Scores(meter.stillStructureRemoved(), meter.movingDetailKept(), meter.framesWithMotion());
        }
    }

    /** Seeded texture shifted by {@code speed·t} pixels, with eight still dark-rimmed bright discs unless {@code clean}. */
    private static VideoFrame scene(int t, int speed, boolean clean) {
        Random texture = new Random(3);
        int[] noise = new int[(W + 64 * FRAMES) * H];
        for (int i = 0; i < noise.length; i++) noise[i] = texture.nextInt(256);
        VideoFrame f = new VideoFrame(W, H);
        var px = f.pixels();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                // smooth-ish texture: average of a 2×2 block of noise, shifted along x
                int sx = x + speed * t;
                int v = (noise[y * (W + 64 * FRAMES) + sx] + noise[y * (W + 64 * FRAMES) + sx + 1]) / 2;
                if (!clean) {
                    for (int d = 0; d < 8; d++) {
                        int cx = 30 + d * 37, cy = 40 + (d % 3) * 50;
                        double r = Math.hypot(x - cx, y - cy);
                        if (r < 9) v = 220;            // the drop's bright body
                        else if (r < 12) v = 20;       // its dark rim
                    }
                }
                int i = (y * W + x) * 3;
                px.put(i, (byte) v).put(i + 1, (byte) v).put(i + 2, (byte) v);
            }
        }
        return f;
    }

    private static VideoFrame blur(VideoFrame f, int r) {
        VideoFrame b = new VideoFrame(W, H);
        var in = f.pixels();
        var out = b.pixels();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int sum = 0, n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int yy = Math.min(H - 1, Math.max(0, y + dy)), xx = Math.min(W - 1, Math.max(0, x + dx));
                        sum += in.get((yy * W + xx) * 3) & 0xff;
                        n++;
                    }
                }
                int i = (y * W + x) * 3;
                byte v = (byte) (sum / n);
                out.put(i, v).put(i + 1, v).put(i + 2, v);
            }
        }
        return b;
    }

    private static final class Discard implements FrameSink {
        @Override public void write(VideoFrame frame) {}
        @Override public void commit() {}
        @Override public void close() {}
    }
}
