package io.derain.operators.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/**
 * Dense optical flow between consecutive frames at a small work resolution (OpenCV's DIS), with the flow
 * inside drops interpolated from around them: a drop sits still on the glass while the road moves behind
 * it, so the flow measured on it is the glass's, not the scene's. The flow maps each pixel of the current
 * frame to where the scene point was in the previous one; {@link #warp} pulls a previous full-size frame
 * along it. Mats are allocated for the first frame of a size and reused; not thread-safe.
 */
public final class FlowField implements AutoCloseable {
    private final int workHeight;
    private final int fillKernel;
    private final DISOpticalFlow dis = DISOpticalFlow.create(DISOpticalFlow.PRESET_FAST);
    private final Mat flow = new Mat();
    private final Mat weighted = new Mat();
    private final Mat weights = new Mat();
    private final Mat blurredFlow = new Mat();
    private final Mat blurredWeights = new Mat();
    private final Mat fullX = new Mat();
    private final Mat fullY = new Mat();
    private int fullWidth;
    private int fullHeight;
    private int width;
    private int height;
    private float[] flowData = new float[0];
    private float[] weightData = new float[0];
    private float[] weightedData = new float[0];
    private float[] fullFlowData = new float[0];
    private float[] mapX = new float[0];
    private float[] mapY = new float[0];
    private final Mat fullFlow = new Mat();
    private boolean mapsReady;

    /**
     * @param workHeight height the flow is computed at (width by the frame's aspect ratio)
     * @param fillKernel side of the box over which flow inside drops is averaged from clear pixels (work pixels)
     */
    public FlowField(int workHeight, int fillKernel) {
        this.workHeight = workHeight;
        this.fillKernel = fillKernel | 1;
    }

    public int width() { return width; }

    public int height() { return height; }

    /** The work size for frames of {@code w × h}. */
    public void size(int w, int h) {
        if (w == fullWidth && h == fullHeight) return;
        fullWidth = w;
        fullHeight = h;
        height = Math.min(h, workHeight);
        width = Math.max(8, (int) Math.round((double) w * height / h));
        flowData = new float[width * height * 2];
        weightedData = new float[width * height * 2];
        weightData = new float[width * height];
        fullFlowData = new float[w * h * 2];
        mapX = new float[w * h];
        mapY = new float[w * h];
        fullX.create(h, w, CV_32FC1);
        fullY.create(h, w, CV_32FC1);
    }

    /** BGR24 {@code frame} as an 8-bit grey picture at the work size, into {@code grey} (allocated as needed). */
    public void grey(ByteBuffer frame, int w, int h, Mat grey, Mat scratch) {
        size(w, h);
        try (BytePointer data = new BytePointer(frame); Mat bgr = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3, data);
             Size work = new Size(width, height)) {
            resize(bgr, scratch, work, 0, 0, INTER_AREA);
            cvtColor(scratch, grey, COLOR_BGR2GRAY);
        }
    }

    /**
     * The last computed flow's length per work pixel (work pixels a frame), row-major: for measures.
     *
     * @param into reused when it has the work size, else (null too) a new array is returned
     */
    public float[] magnitudes(float[] into) {
        float[] m = into != null && into.length == width * height ? into : new float[width * height];
        for (int i = 0; i < m.length; i++) m[i] = (float) Math.hypot(flowData[2 * i], flowData[2 * i + 1]);
        return m;
    }

    /**
     * Computes the flow from {@code current} to {@code previous} (grey, work size), then replaces it inside
     * {@code drops} (work size, 8-bit, non-zero = drop) by the average of the clear flow around.
     */
    public void compute(Mat current, Mat previous, Mat drops) {
        mapsReady = false;
        dis.calc(current, previous, flow);
        int n = width * height;
        new FloatPointer(flow.data()).get(flowData, 0, 2 * n);
        ByteBuffer dropBytes = drops.data().capacity((long) n).asByteBuffer();
        boolean any = false;
        for (int i = 0; i < n; i++) {
            boolean drop = dropBytes.get(i) != 0;
            weightData[i] = drop ? 0f : 1f;
            any |= drop;
        }
        if (!any) return;
        weights.create(height, width, CV_32FC1);
        new FloatPointer(weights.data()).put(weightData, 0, n);
        weighted.create(height, width, CV_32FC2);
        for (int i = 0; i < n; i++) {
            weightedData[2 * i] = flowData[2 * i] * weightData[i];
            weightedData[2 * i + 1] = flowData[2 * i + 1] * weightData[i];
        }
        new FloatPointer(weighted.data()).put(weightedData, 0, 2 * n);
        try (Size k = new Size(fillKernel, fillKernel); Point anchor = new Point(-1, -1)) {
            blur(weighted, blurredFlow, k, anchor, BORDER_REPLICATE);
            blur(weights, blurredWeights, k, anchor, BORDER_REPLICATE);
        }
        FloatPointer bf = new FloatPointer(blurredFlow.data()), bw = new FloatPointer(blurredWeights.data());
        for (int i = 0; i < n; i++) {
            if (weightData[i] != 0f) continue;
            float s = bw.get(i);
            if (s > 1e-3f) {
                flowData[2 * i] = bf.get(2L * i) / s;
                flowData[2 * i + 1] = bf.get(2L * i + 1) / s;
            }
        }
        new FloatPointer(flow.data()).put(flowData, 0, 2 * n);
    }

    /**
     * Marks, at the work size, the pixels this flow and {@code reverse} (the flow computed the other way
     * between the same two frames) agree on: following this flow and then the reverse one comes back to the
     * start, within a tolerance that grows with the motion (Sundaram et al., ECCV 2010). Elsewhere a pixel
     * is occluded in one of the frames, leaves the frame, or the flow failed.
     *
     * @param out receives width*height bytes: 255 visible in both frames, 0 not
     */
    public void visibility(FlowField reverse, byte[] out) {
        float[] back = reverse.flowData;
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                float fx = flowData[2 * i], fy = flowData[2 * i + 1];
                float tx = x + fx, ty = y + fy;
                if (tx < 0 || ty < 0 || tx > width - 1 || ty > height - 1) {
                    out[i] = 0;
                    continue;
                }
                int x0 = Math.min((int) tx, width - 2), y0 = Math.min((int) ty, height - 2);
                float ax = tx - x0, ay = ty - y0;
                int j = y0 * width + x0;
                float bx = bilinear(back, j, 0, ax, ay), by = bilinear(back, j, 1, ax, ay);
                float dx = fx + bx, dy = fy + by;
                float motion = fx * fx + fy * fy + bx * bx + by * by;
                out[i] = (byte) (dx * dx + dy * dy <= 0.01f * motion + 0.25f ? 255 : 0);
            }
        }
    }

    private float bilinear(float[] f, int j, int c, float ax, float ay) {
        float top = f[2 * j + c] * (1 - ax) + f[2 * (j + 1) + c] * ax;
        float bottom = f[2 * (j + width) + c] * (1 - ax) + f[2 * (j + width + 1) + c] * ax;
        return top * (1 - ay) + bottom * ay;
    }

    /**
     * Pulls {@code previous} (full size, any type) along the flow of the last {@link #compute}, upsampled
     * bilinearly, into {@code out}. The full-size maps are made once per computed flow and shared by every
     * picture warped along it.
     */
    public void warp(Mat previous, Mat out, int interpolation) {
        if (!mapsReady) {
            try (Size full = new Size(fullWidth, fullHeight)) {
                resize(flow, fullFlow, full, 0, 0, INTER_LINEAR);
            }
            new FloatPointer(fullFlow.data()).get(fullFlowData, 0, fullFlowData.length);
            float ux = (float) fullWidth / width, uy = (float) fullHeight / height;
            for (int y = 0, i = 0; y < fullHeight; y++) {
                for (int x = 0; x < fullWidth; x++, i++) {
                    mapX[i] = x + fullFlowData[2 * i] * ux;
                    mapY[i] = y + fullFlowData[2 * i + 1] * uy;
                }
            }
            new FloatPointer(fullX.data()).put(mapX, 0, mapX.length);
            new FloatPointer(fullY.data()).put(mapY, 0, mapY.length);
            mapsReady = true;
        }
        try (Scalar border = new Scalar(0)) {
            remap(previous, out, fullX, fullY, interpolation, BORDER_REPLICATE, border);
        }
    }

    public void warp(Mat previous, Mat out) {
        warp(previous, out, INTER_LINEAR);
    }

    @Override
    public void close() {
        dis.close();
        for (Mat m : new Mat[] {flow, weighted, weights, blurredFlow, blurredWeights, fullX, fullY, fullFlow}) m.close();
    }
}
