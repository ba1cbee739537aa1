package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.derain.operators.frame.VideoFrame;
import io.derain.operators.temporal.FlowField;
import io.derain.pipeline.sink.FrameSink;
import java.nio.ByteBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Temporal flicker of a derained video, the end of a pipeline that writes nothing: for each frame, the
 * previous output is warped onto it by optical flow between the two outputs (flow inside the drops of
 * either map filled from around them, as the temporal mode does) and the mean absolute difference of their
 * BT.601 luminance is taken over the pixels clear in both frames: those the flow and the flow computed the
 * other way agree on ({@link FlowField#visibility}), away from a border of {@link #BORDER} pixels. Pixels
 * occluded in one frame, leaving it, or where the flow failed have no counterpart to compare with. A
 * restoration that follows the scene scores low; drops that fade in and out, a map that blinks, score high.
 */
public final class FlickerMeter implements FrameSink {
    /** Border pixels left out of the figure. */
    static final int BORDER = 8;
    private static final int WORK_HEIGHT = 180;

    private final FlowField flow = new FlowField(WORK_HEIGHT, 21);
    private final FlowField reverse = new FlowField(WORK_HEIGHT, 21);
    private final Mat grey = new Mat(), previousGrey = new Mat(), scratch = new Mat();
    private final Mat previous = new Mat(), warped = new Mat(), drops = new Mat(), dropsWork = new Mat();
    private byte[] current = new byte[0], warpedBytes = new byte[0], union = new byte[0], previousMap = new byte[0];
    private byte[] visible = new byte[0];
    private final int dropByte;
    private boolean hasPrevious;
    private int width, height;
    private double sum;
    private double visibleShare;
    private long frames;

    /** @param dropThreshold attention level (0..1] from which a map calls a pixel drop (the model's) */
    public FlickerMeter(double dropThreshold) {
        this.dropByte = Math.max(1, (int) Math.ceil(255 * dropThreshold - 1e-9));
    }

    @Override
    public void write(VideoFrame frame) {
        int w = frame.width(), h = frame.height(), n = w * h;
        if (w != width || h != height) {
            width = w;
            height = h;
            hasPrevious = false;
            current = new byte[3 * n];
            warpedBytes = new byte[3 * n];
            union = new byte[n];
            previousMap = new byte[n];
            previous.create(h, w, CV_8UC3);
            drops.create(h, w, CV_8UC1);
        }
        frame.pixels().get(0, current, 0, 3 * n);
        ByteBuffer map = frame.attention();
        flow.grey(frame.pixels(), w, h, grey, scratch);
        if (hasPrevious) {
            for (int i = 0; i < n; i++) {
                int a = map == null ? 0 : map.get(i) & 0xff;
                union[i] = (byte) (Math.max(a, previousMap[i] & 0xff) >= dropByte ? 255 : 0);
            }
            drops.data().put(union, 0, n);
            try (Size work = new Size(flow.width(), flow.height())) {
                resize(drops, dropsWork, work, 0, 0, INTER_AREA);
            }
            flow.compute(grey, previousGrey, dropsWork);
            reverse.size(w, h);
            reverse.compute(previousGrey, grey, dropsWork);
            if (visible.length != flow.width() * flow.height()) visible = new byte[flow.width() * flow.height()];
            flow.visibility(reverse, visible);
            flow.warp(previous, warped);
            warped.data().get(warpedBytes, 0, 3 * n);
            sum += meanLumaDifference(w, h);
            frames++;
        }
        previous.data().put(current, 0, 3 * n);
        grey.copyTo(previousGrey);
        for (int i = 0; i < n; i++) previousMap[i] = map == null ? 0 : map.get(i);
        hasPrevious = true;
    }

    private double meanLumaDifference(int w, int h) {
        int fw = flow.width(), fh = flow.height();
        double total = 0;
        long count = 0, all = 0;
        for (int y = BORDER; y < h - BORDER; y++) {
            int row = (int) ((long) y * fh / h) * fw;
            for (int x = BORDER, i = (y * w + x) * 3; x < w - BORDER; x++, i += 3) {
                all++;
                if (visible[row + (int) ((long) x * fw / w)] == 0) continue;
                total += Math.abs(luma(current, i) - luma(warpedBytes, i));
                count++;
            }
        }
        visibleShare += all == 0 ? 0 : (double) count / all;
        return count == 0 ? 0 : total / count;
    }

    private static double luma(byte[] bgr, int i) {
        return 0.114 * (bgr[i] & 0xff) + 0.587 * (bgr[i + 1] & 0xff) + 0.299 * (bgr[i + 2] & 0xff);
    }

    /** Mean share of each frame measured: the pixels clear in both frames of a pair (0..1). */
    public double visibleShare() { return frames == 0 ? Double.NaN : visibleShare / frames; }

    /** Frame pairs measured. */
    public long pairs() { return frames; }

    /** Mean flicker over all pairs, in luminance levels (0..255). */
    public double meanFlicker() { return frames == 0 ? Double.NaN : sum / frames; }

    @Override
    public void commit() {}

    @Override
    public void close() {
        flow.close();
        reverse.close();
        for (Mat m : new Mat[] {grey, previousGrey, scratch, previous, warped, drops, dropsWork}) m.close();
    }
}
