package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.BORDER_DEFAULT;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.magnitude;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.Sobel;
import static org.bytedeco.opencv.global.opencv_imgproc.boxFilter;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;

import io.derain.pipeline.evaluation.DropRegions.DropMask;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * How drops look, so that synthetic drops can be matched to real ones with figures. Per photo, on its
 * luminance Y and drop mask ({@link DropRegions}), against the <em>ring</em> around each drop (the mask
 * dilated by an ellipse of radius max(3, 1 % of the height), less the mask dilated by 3×3: the scene just
 * outside, past the drop's own edge):
 * <ul>
 * <li>drops ({@link DropSizes}), drops per megapixel, coverage;</li>
 * <li>brightness: mean Y in the drops minus mean Y in the ring; contrast: their standard deviations' ratio
 * (a defocused drop is a flat blur of the scene: low);</li>
 * <li>dark rim: the share of the edge band (mask less its 3×3 erosion) at least {@link #DARK_RIM_LEVELS}
 * below the ring's mean near it (box mean over {@link #WINDOW} of the height; the dark outline of a drop
 * lit from behind);</li>
 * <li>edge width: at edge-band pixels, the step between the local means inside and in the ring over the
 * Sobel gradient (levels per pixel), where the gradient exceeds {@link #MIN_GRADIENT} and the step
 * {@link #MIN_STEP}; the median, in thousandths of the height (a sharp step reads about 2 px);</li>
 * <li>with a clean picture, the mean distance from the veil fit in the drops.</li>
 * </ul>
 * {@link #total()} pools the pixels and drops of every photo added.
 */
public final class DropLook {
    static final double DARK_RIM_LEVELS = 15;
    static final double MIN_GRADIENT = 1;
    static final double MIN_STEP = 10;
    /** The side of the local-mean box, as a fraction of the height. */
    static final double WINDOW = 0.04;
    /** The ring's outer radius, as a fraction of the height (at least 3 px). */
    static final double RING = 0.01;

    private final List<DropLookScore> scores = new ArrayList<>();
    private final Tally total = new Tally();
    private final DropSizes totalSizes = new DropSizes();
    private byte[] maskBytes = new byte[0];

    /** Measures every photo of {@code regions}. */
    public static DropLookReport measure(DropRegions regions) {
        DropLook look = new DropLook();
        for (String name : regions.names()) {
            try (DropMask drops = regions.derive(name)) {
                look.add(name, drops);
            }
        }
        return new DropLookReport(regions.root().toString(), regions.rule(), look.scores(), look.total());
    }

    /** Measures one photo's drops; also pooled into {@link #total()}. */
    public DropLookScore add(String name, DropMask drops) {
        Mat y = drops.luma(), mask = drops.mask();
        int w = y.cols(), h = y.rows(), n = w * h;
        int ringRadius = (int) Math.round(Math.max(3, RING * h));
        int window = Math.max(3, 2 * (int) Math.round(WINDOW * h / 2) + 1); // odd: centred on the pixel
        Tally tally = new Tally();
        tally.pixels = n;
        tally.hasClean = drops.hasClean();
        try (Size three = new Size(3, 3); Size round = new Size(2 * ringRadius + 1, 2 * ringRadius + 1);
             Size box = new Size(window, window);
             Mat small = getStructuringElement(MORPH_RECT, three);
             Mat disc = getStructuringElement(MORPH_ELLIPSE, round);
             Mat near = new Mat(); Mat far = new Mat(); Mat ring = new Mat(); Mat inner = new Mat(); Mat edge = new Mat();
             Mat ringShare = new Mat(); Mat ringY = new Mat(); Mat insideShare = new Mat(); Mat insideY = new Mat();
             Mat weight = new Mat(); Mat weightedY = new Mat();
             Mat gx = new Mat(); Mat gy = new Mat(); Mat gradient = new Mat()) {
            dilate(mask, near, small);
            dilate(mask, far, disc);
            subtract(far, near, ring);
            erode(mask, inner, small);
            subtract(mask, inner, edge);
            localMeans(y, ring, box, weight, weightedY, ringShare, ringY);
            localMeans(y, mask, box, weight, weightedY, insideShare, insideY);
            Sobel(y, gx, CV_64F, 1, 0, 3, 1, 0, BORDER_DEFAULT);
            Sobel(y, gy, CV_64F, 0, 1, 3, 1, 0, BORDER_DEFAULT);
            magnitude(gx, gy, gradient);

            DoubleBuffer yb = y.createBuffer(), grad = gradient.createBuffer();
            DoubleBuffer rw = ringShare.createBuffer(), ry = ringY.createBuffer();
            DoubleBuffer iw = insideShare.createBuffer(), iy = insideY.createBuffer();
            DoubleBuffer off = drops.hasClean() ? drops.residual().createBuffer() : null;
            ByteBuffer mb = mask.createBuffer(), rb = ring.createBuffer(), eb = edge.createBuffer();
            double onePixel = 0.5 / ((double) window * window); // box means: under half a pixel is none
            for (int i = 0; i < n; i++) {
                double v = yb.get(i);
                if (mb.get(i) != 0) {
                    tally.inside.add(v);
                    if (off != null) tally.cleanDifference += off.get(i);
                } else if (rb.get(i) != 0) {
                    tally.ring.add(v);
                }
                if (eb.get(i) == 0 || rw.get(i) < onePixel) continue; // not an edge, or no ring near it
                double ringMean = ry.get(i) / rw.get(i);
                tally.edges++;
                if (v <= ringMean - DARK_RIM_LEVELS) tally.darkEdges++;
                double step = Math.abs(iy.get(i) / iw.get(i) - ringMean); // the edge pixel itself is inside
                double slope = grad.get(i) / 8; // a 3×3 Sobel weighs a one-level-per-pixel ramp 8
                if (slope > MIN_GRADIENT && step > MIN_STEP) tally.addWidth(step / slope / h);
            }
        }
        if (maskBytes.length < n) maskBytes = new byte[n];
        ((ByteBuffer) mask.createBuffer()).get(maskBytes, 0, n);
        DropSizes sizes = new DropSizes();
        sizes.add(maskBytes, w, h);
        totalSizes.add(maskBytes, w, h);
        total.merge(tally);
        DropLookScore score = tally.score(name, sizes, drops.veilGain(), drops.veilOffset());
        scores.add(score);
        return score;
    }

    /** The photos added, in order. */
    public List<DropLookScore> scores() { return List.copyOf(scores); }

    /** Every photo's drops and pixels pooled, named "all". */
    public DropLookScore total() {
        return total.score("all", totalSizes, Double.NaN, Double.NaN);
    }

    /**
     * Box means of the region (0/255) as 0/1 and of Y over it: their ratio is the mean of Y over the part of
     * the region in the box. {@code weight} and {@code weightedY} are scratch.
     */
    private static void localMeans(Mat y, Mat region, Size box, Mat weight, Mat weightedY, Mat share, Mat sum) {
        region.convertTo(weight, CV_64F, 1 / 255.0, 0);
        multiply(y, weight, weightedY);
        boxFilter(weightedY, sum, -1, box);
        boxFilter(weight, share, -1, box);
    }

    /** Running sums of Y. */
    private static final class Moments {
        long n;
        double sum, sumSquares;

        void add(double v) {
            n++;
            sum += v;
            sumSquares += v * v;
        }

        void merge(Moments other) {
            n += other.n;
            sum += other.sum;
            sumSquares += other.sumSquares;
        }

        double mean() { return n == 0 ? Double.NaN : sum / n; }

        double std() {
            double mean = mean();
            return Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
        }
    }

    /** What a photo's figures are made of, summed so that photos pool. */
    private static final class Tally {
        long pixels, edges, darkEdges;
        boolean hasClean = true;
        double cleanDifference;
        final Moments inside = new Moments(), ring = new Moments();
        double[] widths = new double[64]; // fractions of the height
        int widthCount;

        void addWidth(double width) {
            if (widthCount == widths.length) widths = Arrays.copyOf(widths, 2 * widthCount);
            widths[widthCount++] = width;
        }

        void merge(Tally other) {
            pixels += other.pixels;
            edges += other.edges;
            darkEdges += other.darkEdges;
            hasClean &= other.hasClean;
            cleanDifference += other.cleanDifference;
            inside.merge(other.inside);
            ring.merge(other.ring);
            if (widths.length < widthCount + other.widthCount) {
                widths = Arrays.copyOf(widths, Math.max(2 * widths.length, widthCount + other.widthCount));
            }
            System.arraycopy(other.widths, 0, widths, widthCount, other.widthCount);
            widthCount += other.widthCount;
        }

        DropLookScore score(String name, DropSizes sizes, double veilGain, double veilOffset) {
            double[] radius = new double[DropLookScore.PERCENTILES.length];
            for (int i = 0; i < radius.length; i++) radius[i] = sizes.percentile(DropLookScore.PERCENTILES[i]);
            double medianWidth = Double.NaN;
            if (widthCount > 0) {
                double[] sorted = Arrays.copyOf(widths, widthCount);
                Arrays.sort(sorted);
                medianWidth = widthCount % 2 == 1 ? sorted[widthCount / 2]
                        : (sorted[widthCount / 2 - 1] + sorted[widthCount / 2]) / 2;
            }
            return new DropLookScore(name, sizes.count(), sizes.count() / (pixels / 1e6), radius,
                    pixels == 0 ? Double.NaN : (double) inside.n / pixels,
                    inside.mean() - ring.mean(), inside.std() / ring.std(),
                    edges == 0 ? Double.NaN : (double) darkEdges / edges, 1000 * medianWidth,
                    hasClean && inside.n > 0 ? cleanDifference / inside.n : Double.NaN, veilGain, veilOffset);
        }
    }
}
