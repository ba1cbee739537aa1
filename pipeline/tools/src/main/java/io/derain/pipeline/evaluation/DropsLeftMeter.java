package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.derain.operators.frame.VideoFrame;
import io.derain.operators.temporal.BoxMean;
import io.derain.operators.temporal.FlowField;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SinkCheckpoint;
import io.derain.pipeline.source.TappedSource;
import java.io.IOException;
import java.util.ArrayDeque;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * How many raindrops a derained video still shows, without ground truth: a drop sits still on the glass while
 * the scene flows past behind it, so where the scene moves (optical flow of the input, averaged over a wide
 * neighbourhood so a drop's own stillness does not hide it), structure that stays put is on the glass.
 *
 * <p>Per pixel of a frame, with the scene moving around it by at least {@link #MIN_MOTION} pixels a frame:
 * its structure is its luminance gradient magnitude; it is <em>still</em> when its luminance changed by less
 * than {@link #STILL_LEVELS} over each of the last two frames. Then
 * <ul>
 * <li><b>still structure removed</b> = 1 − Σ(output's structure where the output is still) / Σ(input's structure
 *     where the input is still): the drops' edges, rims and fringes the output no longer shows still;
 * <li><b>moving detail kept</b> = Σ(output's structure) / Σ(input's structure), over the pixels where the input
 *     moves with the scene: what a restoration that blurs everything loses.
 * </ul>
 * A frame with the scene standing still (a stopped car) adds nothing: no evidence. Flat pixels (sky) add little
 * whatever they do. Measured at {@link #HEIGHT} rows.
 *
 * <p>A decorator sink (owning the sink it wraps, which sees every frame as it was): its {@link #inputTap()} goes on
 * the job's source and keeps each input frame's luminance until the derained frame of the same index arrives
 * (a blocking pipeline drops nothing, so they pair exactly). One thread each: tap on the decoder's, writes on the
 * encoder's.
 */
public final class DropsLeftMeter implements FrameSink {
    /** Rows the measure works at. */
    public static final int HEIGHT = 360;
    /** Luminance change (of 255) below which a pixel counts as still. */
    public static final double STILL_LEVELS = 3;
    /** Scene motion (pixels a frame at {@link #HEIGHT} rows) from which a neighbourhood counts as moving. */
    public static final double MIN_MOTION = 1.5;
    private static final int BORDER = 8;
    private static final int MOTION_BOX = 31;

    private final FrameSink output;
    private final ArrayDeque<Luma> inputs = new ArrayDeque<>();
    private final FlowField flow = new FlowField(HEIGHT / 2, 1);
    private final Mat grey = new Mat(), previousGrey = new Mat(), noDrops = new Mat();
    private int width, height; // measuring size
    private float[] in0, in1, in2, out0, out1, out2; // luminance now, one and two frames ago
    private float[] motion; // scene motion per pixel (measuring size), from the input's flow
    private float[] magnitude, boxed; // the flow's lengths and their box means (work size)
    private final BoxMean box = new BoxMean();
    private int seen;
    private double stillIn, stillOut, movingIn, movingOut;
    private long frames, framesWithMotion;

    /** One input frame's luminance at the measuring size. */
    private record Luma(long index, float[] y, int width, int height) {}

    public DropsLeftMeter(FrameSink output) {
        this.output = output;
    }

    /** Keeps each input frame's luminance as it leaves the source, before the model rewrites it. */
    public TappedSource.Tap inputTap() {
        return frame -> {
            int[] size = measuringSize(frame);
            float[] y = new float[size[0] * size[1]];
            luma(frame, size[0], size[1], y);
            synchronized (inputs) {
                inputs.add(new Luma(frame.index(), y, size[0], size[1]));
                inputs.notifyAll();
            }
        };
    }

    private static int[] measuringSize(VideoFrame f) {
        int h = Math.min(HEIGHT, f.height());
        return new int[] {Math.max(16, (int) Math.round((double) f.width() * h / f.height())), h};
    }

    /** Nearest-neighbour BT.601 luminance of {@code f} at {@code w × h}. */
    private static void luma(VideoFrame f, int w, int h, float[] y) {
        var px = f.pixels();
        int fw = f.width(), fh = f.height();
        for (int r = 0; r < h; r++) {
            int sy = (int) ((long) r * fh / h);
            for (int c = 0; c < w; c++) {
                int i = (sy * fw + (int) ((long) c * fw / w)) * 3;
                y[r * w + c] = (float) (0.114 * (px.get(i) & 0xff) + 0.587 * (px.get(i + 1) & 0xff) + 0.299 * (px.get(i + 2) & 0xff));
            }
        }
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        Luma in = take(frame.index());
        output.write(frame);
        if (in == null) return; // no input seen for it (a source without the tap)
        if (in.width() != width || in.height() != height) reset(in.width(), in.height());
        float[] out = new float[width * height];
        luma(frame, width, height, out);
        shift(in.y(), out);
        updateMotion(in.y());
        if (++seen >= 3) measure();
        frames++;
    }

    private Luma take(long index) throws IOException {
        synchronized (inputs) {
            long end = System.nanoTime() + 10_000_000_000L; // the tap ran before the frame reached the model
            while (true) {
                while (!inputs.isEmpty() && inputs.peek().index() < index) inputs.poll();
                if (!inputs.isEmpty()) return inputs.peek().index() == index ? inputs.poll() : null;
                long left = end - System.nanoTime();
                if (left <= 0) return null;
                try {
                    inputs.wait(left / 1_000_000 + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while pairing frames");
                }
            }
        }
    }

    private void reset(int w, int h) {
        width = w;
        height = h;
        seen = 0;
        in0 = in1 = in2 = out0 = out1 = out2 = null;
        motion = new float[w * h];
    }

    private void shift(float[] in, float[] out) {
        in2 = in1;
        in1 = in0;
        in0 = in;
        out2 = out1;
        out1 = out0;
        out0 = out;
    }

    /** The scene's motion around each pixel: input flow (work size) magnitude averaged over a wide box. */
    private void updateMotion(float[] y) {
        byte[] bytes = new byte[y.length];
        for (int i = 0; i < y.length; i++) bytes[i] = (byte) Math.round(y[i]);
        try (Mat current = new Mat(height, width, CV_8UC1)) {
            current.data().put(bytes, 0, bytes.length);
            flow.size(width, height);
            try (org.bytedeco.opencv.opencv_core.Size work = new org.bytedeco.opencv.opencv_core.Size(flow.width(), flow.height())) {
                org.bytedeco.opencv.global.opencv_imgproc.resize(current, grey, work, 0, 0,
                        org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
            }
            if (seen == 0) {
                grey.copyTo(previousGrey);
                java.util.Arrays.fill(motion, 0);
                return;
            }
            if (noDrops.rows() != flow.height() || noDrops.cols() != flow.width()) {
                noDrops.create(flow.height(), flow.width(), CV_8UC1);
                noDrops.data().put(new byte[flow.width() * flow.height()], 0, flow.width() * flow.height());
            }
            flow.compute(grey, previousGrey, noDrops);
            magnitude = flow.magnitudes(magnitude); // work size, pixels of the work size a frame
            grey.copyTo(previousGrey);
            float scale = (float) height / flow.height();
            boxed = box.of(magnitude, flow.width(), flow.height(), MOTION_BOX / 2, boxed);
            for (int r = 0; r < height; r++) {
                int wr = Math.min(flow.height() - 1, (int) ((long) r * flow.height() / height));
                for (int c = 0; c < width; c++) {
                    motion[r * width + c] = scale * boxed[wr * flow.width() + Math.min(flow.width() - 1, (int) ((long) c * flow.width() / width))];
                }
            }
        }
    }

    private void measure() {
        boolean any = false;
        for (int r = BORDER; r < height - BORDER; r++) {
            for (int c = BORDER; c < width - BORDER; c++) {
                int i = r * width + c;
                if (motion[i] < MIN_MOTION) continue;
                any = true;
                double gIn = gradient(in0, i), gOut = gradient(out0, i);
                boolean inStill = Math.abs(in0[i] - in1[i]) < STILL_LEVELS && Math.abs(in0[i] - in2[i]) < STILL_LEVELS;
                boolean outStill = Math.abs(out0[i] - out1[i]) < STILL_LEVELS && Math.abs(out0[i] - out2[i]) < STILL_LEVELS;
                if (inStill) stillIn += gIn;
                if (outStill) stillOut += gOut;
                if (!inStill) {
                    movingIn += gIn;
                    movingOut += gOut;
                }
            }
        }
        if (any) framesWithMotion++;
    }

    /** Central-difference gradient magnitude at {@code i}. */
    private double gradient(float[] y, int i) {
        double gx = (y[i + 1] - y[i - 1]) * 0.5, gy = (y[i + width] - y[i - width]) * 0.5;
        return Math.sqrt(gx * gx + gy * gy);
    }

    /** 1 − still structure out / in; NaN without evidence (the scene never moved). */
    public double stillStructureRemoved() { return stillIn == 0 ? Double.NaN : 1 - stillOut / stillIn; }

    /** Moving detail out / in; NaN without evidence. */
    public double movingDetailKept() { return movingIn == 0 ? Double.NaN : movingOut / movingIn; }

    /** Frames measured, and those among them where the scene moved. */
    public long frames() { return frames; }
    public long framesWithMotion() { return framesWithMotion; }

    @Override
    public void write(AudioItem audio) throws IOException {
        output.write(audio);
    }

    @Override
    public SinkCheckpoint checkpoint() throws IOException {
        return output.checkpoint();
    }

    @Override
    public void commit() throws IOException {
        output.commit();
    }

    @Override
    public void close() {
        try {
            output.close();
        } finally {
            flow.close();
            for (Mat m : new Mat[] {grey, previousGrey, noDrops}) m.close();
        }
    }
}
