package io.derain.operators.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.derain.operators.frame.VideoFrame;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * One camera's recent past: its previous output, where that output was clear, and the stabilised drop map,
 * carried from frame to frame ({@link TemporalOperator}). Per frame: the map becomes max(map, decay · what
 * was carried), where only what the map saw in two consecutive frames is carried on (drops stay put on the
 * glass; falling streaks do not); flow from this frame to the previous output (drops' flow filled from around
 * them) warps that output and its clear mask here; a drop pixel takes the warped output in full where the map calls it a
 * drop (less on its rim), in proportion to how clear the warped pixel was and to how well the warped output
 * agrees with this frame in the clear pixels around it, and part of it where that output was itself a drop
 * (the network's guesses averaged instead of blinking); clear pixels, clear in the past too, are filtered
 * recursively along the flow where the warp agrees closely. Buffers are allocated for the first frame of a
 * size and reused.
 */
final class CameraHistory implements AutoCloseable {
    /** Disagreement a good warp still shows (interpolation, compression noise): not held against it. */
    private static final float NOISE_LEVELS = 6f;
    /** Box disagreement of a good warp of clear pixels, judged over fewer pixels than a drop's surroundings. */
    private static final float GOOD_WARP_LEVELS = 4f;
    /** Box side, in work pixels, over which a clear pixel's warp is judged: small, so a passing object is seen. */
    private static final int NEAR_KERNEL = 3;
    private final TemporalSettings settings;
    private final int dropByte;
    private final int rimByte;
    /** The clear-pixel filter's settings as the per-pixel loop uses them; blend 0: no filter. */
    private final float clearBlend;
    private final float clearAgreementLevels;
    private final float clearPixelLevels;
    private final FlowField flow;
    private final Disagreement judge = new Disagreement();
    /** Gates the restoration with the stabilised map; null when the frames come gated (or need no gate). */
    private final MapGate gate;
    private int width;
    private int height;
    private boolean hasPrevious;
    private long previousTimestamp;
    private long filled;
    private long resets;
    private byte[] stable = new byte[0];
    /** The part of the map carried to the next frame, decaying: what was seen in two consecutive frames. */
    private byte[] held = new byte[0];
    /** The network's own map of the previous frame. */
    private byte[] lastMap = new byte[0];
    private byte[] clear = new byte[0];
    private byte[] pixels = new byte[0];
    private byte[] warpedPixels = new byte[0];
    private byte[] warpedClear = new byte[0];
    private byte[] agreement = new byte[0];
    private byte[] workDrops = new byte[0];
    /** What stays put on the glass while the scene moves; null when the settings leave it out. */
    private final GlassLayer glass;
    /** The last flow's lengths (work size), for the glass layer; null after a reset. */
    private float[] lastMagnitudes;
    private float[] magnitudes;
    private final Mat previous = new Mat();
    private final Mat previousClear = new Mat();
    private final Mat previousGrey = new Mat();
    private final Mat grey = new Mat();
    private final Mat scratch = new Mat();
    private final Mat warped = new Mat();
    private final Mat warpedClearMat = new Mat();
    private final Mat warpedGrey = new Mat();
    private final Mat stableMat = new Mat();
    private final Mat stableWork = new Mat();
    private final Mat dropsWork = new Mat();
    private final Mat disagreement = new Mat();
    private final Mat disagreementFull = new Mat();
    private final Mat near = new Mat();
    private final Mat nearFull = new Mat();
    private byte[] nearAgreement = new byte[0];

    /** @param gate the model's gate, applied here with the stabilised map; null: frames arrive final */
    CameraHistory(TemporalSettings settings, double dropThreshold, MapGate gate) {
        this.settings = settings;
        this.gate = gate;
        this.dropByte = Math.max(2, (int) Math.ceil(255 * dropThreshold - 1e-9));
        this.rimByte = dropByte / 2;
        this.clearBlend = (float) settings.clearBlend();
        this.clearAgreementLevels = (float) settings.clearAgreementLevels();
        this.clearPixelLevels = (float) settings.clearPixelLevels();
        this.flow = new FlowField(settings.workHeight(), settings.fillKernel());
        this.glass = settings.glass() ? new GlassLayer() : null;
    }

    long filledFrames() { return filled; }

    long resets() { return resets; }

    /**
     * Stabilises {@code frame}'s map, gates its restoration with that map (when this history has a gate) and
     * fills its drops from the past, in place; then remembers it.
     *
     * @param input the frame's pixels before the network ran ({@code 3·w·h} bytes), or null without a gate and
     *              without the glass layer
     */
    void next(VideoFrame frame, byte[] input) {
        int w = frame.width(), h = frame.height(), n = w * h;
        if (w != width || h != height) allocate(w, h);
        long ts = frame.timestampMicros();
        boolean continuous = hasPrevious && ts > previousTimestamp && ts - previousTimestamp <= settings.maxGapMicros();
        byte[] onGlass = null;
        if (glass != null && input != null) {
            if (!continuous) {
                glass.reset();
                lastMagnitudes = null;
            }
            glass.observe(input, w, h, lastMagnitudes, flow.width(), flow.height());
            onGlass = glass.map();
        }
        ByteBuffer map = frame.attention();
        float decay = (float) settings.mapDecay();
        for (int i = 0; i < n; i++) {
            int a = map.get(i) & 0xff;
            if (onGlass != null) a = Math.max(a, onGlass[i] & 0xff);
            int carried = continuous ? (int) ((held[i] & 0xff) * decay) : 0;
            int before = continuous ? lastMap[i] & 0xff : 0;
            stable[i] = (byte) Math.max(a, carried);
            // Only what the map saw here in two frames running is carried on: a drop on the glass stays put,
            // a falling streak is somewhere else in the next frame and must not leave a trail of "drop".
            held[i] = (byte) Math.max(Math.min(a, before), carried);
            lastMap[i] = (byte) a;
        }
        frame.attentionForWriting().put(0, stable, 0, n);
        ByteBuffer px = frame.pixels();
        px.get(0, pixels, 0, 3 * n);
        if (gate != null) {
            gate.blend(input, pixels, stable, w, h);
            px.put(0, pixels, 0, 3 * n); // the flow is measured on the gated frame
        }
        for (int i = 0; i < n; i++) clear[i] = (byte) (255 - Math.round(255 * drop(stable[i] & 0xff)));
        if (continuous && fill(px, w, h)) filled++;
        else if (hasPrevious) resets++;
        remember(frame, w, h, ts);
    }

    /**
     * Fills the drops of {@code pixels} (as {@code px} holds them) from the warped previous output and writes
     * them back to {@code px}; false, leaving {@code px} as it was, when this frame is a cut.
     */
    private boolean fill(ByteBuffer px, int w, int h) {
        int n = w * h;
        flow.grey(px, w, h, grey, scratch);
        stableMat.data().put(stable, 0, n);
        try (Size work = new Size(flow.width(), flow.height())) {
            resize(stableMat, stableWork, work, 0, 0, INTER_AREA);
        }
        int wn = flow.width() * flow.height();
        ByteBuffer sw = stableWork.data().capacity(wn).asByteBuffer();
        if (workDrops.length < wn) workDrops = new byte[wn];
        // Rims count too: the area-averaged map is low at a drop's edge, where the flow is already wrong.
        for (int i = 0; i < wn; i++) workDrops[i] = (byte) ((sw.get(i) & 0xff) >= rimByte ? 255 : 0);
        dropsWork.data().put(workDrops, 0, wn);
        flow.compute(grey, previousGrey, dropsWork);
        if (glass != null) lastMagnitudes = magnitudes = flow.magnitudes(magnitudes); // the scene's motion for the next frame's glass evidence
        flow.warp(previous, warped);
        flow.warp(previousClear, warpedClearMat);
        // Agreement: the warped previous output against this frame, over the clear pixels around each drop.
        try (Size work = new Size(flow.width(), flow.height()); Size full = new Size(w, h)) {
            resize(warped, scratch, work, 0, 0, INTER_AREA);
            cvtColor(scratch, warpedGrey, COLOR_BGR2GRAY);
            double cut = judge.measure(grey, warpedGrey, workDrops, flow.width(), flow.height(),
                    settings.fillKernel(), disagreement);
            if (cut > settings.cutLevel()) {
                if (glass != null) glass.reset(); // the wiper: a new glass
                return false; // clear stays this frame's own: 1 - map
            }
            resize(disagreement, disagreementFull, full, 0, 0, INTER_LINEAR);
            if (clearBlend > 0) {
                judge.measure(grey, warpedGrey, workDrops, flow.width(), flow.height(), NEAR_KERNEL, near);
                resize(near, nearFull, full, 0, 0, INTER_LINEAR);
            }
        }
        warped.data().get(warpedPixels, 0, 3 * n);
        warpedClearMat.data().get(warpedClear, 0, n);
        disagreementFull.data().get(agreement, 0, n);
        if (clearBlend > 0) nearFull.data().get(nearAgreement, 0, n);
        float levels = (float) settings.agreementLevels();
        float past = (float) settings.pastDropWeight();
        for (int i = 0; i < n; i++) {
            int a = stable[i] & 0xff;
            if (a <= rimByte) {
                if (clearBlend > 0 && (warpedClear[i] & 0xff) == 255) steady(i);
                continue;
            }
            float off = Math.max(0f, (agreement[i] & 0xff) - NOISE_LEVELS);
            float agrees = Math.max(0f, 1f - off / levels), wasClear = (warpedClear[i] & 0xff) / 255f;
            float trust = agrees * wasClear;
            float steady = agrees * (1 - wasClear) * past;
            float r = drop(a), k = r * trust;
            // What was filled from a trusted past is as good as clear for the next frame: drops fill inwards.
            clear[i] = (byte) Math.round(255 * (1 - r + k));
            k += r * steady;
            if (k <= 0f) continue;
            for (int c = 3 * i; c < 3 * i + 3; c++) {
                float d = pixels[c] & 0xff;
                pixels[c] = (byte) (int) (d + k * ((warpedPixels[c] & 0xff) - d) + 0.5f);
            }
        }
        px.put(0, pixels, 0, 3 * n);
        return true;
    }

    /**
     * A clear pixel, clear in the past too: a recursive filter along the flow, so codec noise and the network's
     * frame-to-frame wobble do not flicker. Only where the warp agrees with this frame in a small box around
     * the pixel and at the pixel itself; a passing object or a flow failure disagrees and keeps this frame.
     */
    private void steady(int i) {
        float off = Math.max(0f, (nearAgreement[i] & 0xff) - GOOD_WARP_LEVELS);
        float weight = clearBlend * Math.max(0f, 1f - off / clearAgreementLevels);
        if (weight <= 0f) return;
        int c = 3 * i;
        // Each channel: a colour edge can keep the luminance and still be another object.
        int differs = 0;
        for (int k = c; k < c + 3; k++) differs = Math.max(differs, Math.abs((pixels[k] & 0xff) - (warpedPixels[k] & 0xff)));
        weight *= Math.max(0f, 1f - differs / clearPixelLevels);
        if (weight <= 0f) return;
        for (int k = c; k < c + 3; k++) {
            float d = pixels[k] & 0xff;
            pixels[k] = (byte) (int) (d + weight * ((warpedPixels[k] & 0xff) - d) + 0.5f);
        }
    }

    /**
     * How much of a drop the map calls a pixel, 0..1. Not the map's own level: real drops often score just
     * above the threshold, and a drop half filled from the past is still a drop. At or above the threshold a
     * drop in full, below half of it (a faint rim) not at all. A drop hides what is behind it, so its pixels
     * are not clear for the next frame either, unless filled from a trusted past.
     */
    private float drop(int a) {
        return Math.min(1f, Math.max(0f, (a - rimByte) / (float) (dropByte - rimByte)));
    }

    private void remember(VideoFrame frame, int w, int h, long ts) {
        int n = w * h;
        previous.data().put(pixels, 0, 3 * n);
        previousClear.data().put(clear, 0, n);
        flow.grey(frame.pixels(), w, h, previousGrey, scratch);
        previousTimestamp = ts;
        hasPrevious = true;
    }

    private void allocate(int w, int h) {
        width = w;
        height = h;
        hasPrevious = false;
        int n = w * h;
        stable = new byte[n];
        held = new byte[n];
        lastMap = new byte[n];
        clear = new byte[n];
        pixels = new byte[3 * n];
        warpedPixels = new byte[3 * n];
        warpedClear = new byte[n];
        agreement = new byte[n];
        nearAgreement = new byte[n];
        previous.create(h, w, CV_8UC3);
        previousClear.create(h, w, CV_8UC1);
        stableMat.create(h, w, CV_8UC1);
        flow.size(w, h);
        dropsWork.create(flow.height(), flow.width(), CV_8UC1);
    }

    @Override
    public void close() {
        if (gate != null) gate.close();
        flow.close();
        judge.close();
        for (Mat m : new Mat[] {previous, previousClear, previousGrey, grey, scratch, warped, warpedClearMat, warpedGrey,
                stableMat, stableWork, dropsWork, disagreement, disagreementFull, near, nearFull}) {
            m.close();
        }
    }
}
