package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_OPEN;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;

import io.derain.pipeline.InputException;
import io.derain.pipeline.synthesis.PairsLayout;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Where the drops are in the rainy photos of a directory, for {@link DropLook}. Two layouts:
 * <ul>
 * <li>{@link Rule#PAIRS}, {@code rainy/} and {@code clean/} (real pairs, or {@code derain synth -o DIR}): the
 * drops are found the same way for real and synthetic pairs, so that their figures compare; synth's own
 * {@code mask/} is not used. On luminance Y, the whole-frame veil of wet glass is undone first by a
 * least-squares fit {@code Y_rainy ≈ a·Y_clean + b} (refitted on the pixels within {@link #FIT_LEVELS} of the
 * first fit, so the drops don't pull it); a pixel is drop where it is {@link #DROP_LEVELS} or more off the
 * fit (the paper's rule); a 3×3 opening removes the thin edges a slight misalignment of real pairs leaves,
 * a 3×3 closing fills pinholes.</li>
 * <li>{@link Rule#MAPS}, {@code rainy/} and {@code paper-map/} ({@link ReferenceMaps}): drop where the jet map
 * reads {@link MapAgreement#REFERENCE_THRESHOLD} or more, as {@code eval --maps} counts it. No clean image.</li>
 * </ul>
 * {@code clean/} wins when both are there.
 */
public final class DropRegions {
    /** How a directory's drops are found. */
    public enum Rule { PAIRS, MAPS }

    /** Off the veil fit by this many levels or more: drop (the paper's rule). */
    static final double DROP_LEVELS = 30;
    /** The refit of the veil uses the pixels within this of the first fit: drops and edges left out. */
    static final double FIT_LEVELS = 20;

    private final Path root;
    private final Rule rule;
    private final List<String> names;
    private final ReferenceMaps maps; // MAPS only

    private DropRegions(Path root, Rule rule, List<String> names, ReferenceMaps maps) {
        this.root = root;
        this.rule = rule;
        this.names = names;
        this.maps = maps;
    }

    /** Opens and checks {@code root}: a pairs directory if it has {@code clean/}, else reference maps. */
    public static DropRegions open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InputException(root + ": " + (Files.exists(root) ? "not a directory" : "no such directory")
                    + " (expected rainy/ and clean/ or " + ReferenceMaps.MAPS + "/ inside)");
        }
        if (Files.isDirectory(root.resolve(PairsLayout.CLEAN))) {
            return new DropRegions(root, Rule.PAIRS, PairsDirectory.open(root).names(), null);
        }
        if (Files.isDirectory(root.resolve(ReferenceMaps.MAPS))) {
            ReferenceMaps maps = ReferenceMaps.open(root);
            return new DropRegions(root, Rule.MAPS, maps.names(), maps);
        }
        throw new InputException(root + ": neither " + PairsLayout.CLEAN + "/ nor " + ReferenceMaps.MAPS
                + "/ inside (the drops are found by comparing rainy/ with one of them)");
    }

    public Path root() { return root; }
    public Rule rule() { return rule; }
    /** The photos, in name order. */
    public List<String> names() { return names; }

    /** The drops of photo {@code name}; the caller closes it. */
    public DropMask derive(String name) {
        Path rainyFile = PairsLayout.rainy(root, name);
        try (Mat rainy = ImageFiles.readColor(rainyFile)) {
            return rule == Rule.PAIRS ? fromClean(rainy, PairsLayout.clean(root, name))
                    : fromMap(rainy, maps.map(name), rainyFile);
        }
    }

    private static DropMask fromClean(Mat rainyBgr, Path cleanFile) {
        int w = rainyBgr.cols(), h = rainyBgr.rows(), n = w * h;
        Mat y = luma(rainyBgr), mask = new Mat(h, w, CV_8UC1), residual = new Mat(h, w, CV_64F);
        try (Mat cleanBgr = ImageFiles.readColor(cleanFile)) {
            requireSize(cleanFile, cleanBgr, w, h);
            try (Mat cleanY = luma(cleanBgr)) {
                DoubleBuffer r = y.createBuffer(), c = cleanY.createBuffer(), off = residual.createBuffer();
                ByteBuffer m = mask.createBuffer();
                double[] veil = fitVeil(r, c, n);
                for (int i = 0; i < n; i++) {
                    double d = Math.abs(r.get(i) - (veil[0] * c.get(i) + veil[1]));
                    off.put(i, d);
                    m.put(i, (byte) (d >= DROP_LEVELS ? 255 : 0));
                }
                try (Size three = new Size(3, 3); Mat kernel = getStructuringElement(MORPH_RECT, three)) {
                    morphologyEx(mask, mask, MORPH_OPEN, kernel);
                    morphologyEx(mask, mask, MORPH_CLOSE, kernel);
                }
                return new DropMask(y, mask, residual, veil[0], veil[1]);
            }
        } catch (RuntimeException e) {
            closeAll(y, mask, residual);
            throw e;
        }
    }

    private static DropMask fromMap(Mat rainyBgr, Path mapFile, Path rainyFile) {
        int w = rainyBgr.cols(), h = rainyBgr.rows();
        Mat y = luma(rainyBgr), mask = new Mat(h, w, CV_8UC1);
        try (Mat map = ImageFiles.readColor(mapFile)) {
            if (map.cols() != w || map.rows() != h) {
                throw new InputException(mapFile + ": " + map.cols() + "x" + map.rows() + " but its photo "
                        + rainyFile + " is " + w + "x" + h);
            }
            ByteBuffer bgr = ImageFiles.bytes(map), m = mask.createBuffer();
            int step = (int) map.step();
            for (int row = 0; row < h; row++) {
                for (int x = 0, at = row * step; x < w; x++, at += 3) {
                    float v = JetColormap.value(bgr.get(at + 2) & 0xff, bgr.get(at + 1) & 0xff, bgr.get(at) & 0xff);
                    m.put(row * w + x, (byte) (v >= MapAgreement.REFERENCE_THRESHOLD ? 255 : 0));
                }
            }
            return new DropMask(y, mask, null, Double.NaN, Double.NaN);
        } catch (RuntimeException e) {
            closeAll(y, mask);
            throw e;
        }
    }

    private static void closeAll(Mat... mats) {
        for (Mat mat : mats) mat.close();
    }

    /**
     * {a, b} of {@code rainy ≈ a·clean + b}: fitted on all pixels, then refitted on those within
     * {@link #FIT_LEVELS} of that fit. A flat clean picture fixes no gain: a = 1 then.
     */
    static double[] fitVeil(DoubleBuffer rainy, DoubleBuffer clean, int n) {
        double[] all = leastSquares(rainy, clean, n, 0, 0, Double.POSITIVE_INFINITY);
        double[] refit = leastSquares(rainy, clean, n, all[0], all[1], FIT_LEVELS);
        return Double.isNaN(refit[0]) ? all : refit;
    }

    /** The fit over the pixels within {@code within} of {@code a·clean + b}; gain NaN if too few to fit. */
    private static double[] leastSquares(DoubleBuffer rainy, DoubleBuffer clean, int n, double a, double b, double within) {
        long count = 0;
        double sc = 0, sr = 0, scc = 0, scr = 0;
        for (int i = 0; i < n; i++) {
            double c = clean.get(i), r = rainy.get(i);
            if (!(Math.abs(r - (a * c + b)) < within)) continue;
            count++;
            sc += c;
            sr += r;
            scc += c * c;
            scr += c * r;
        }
        if (count == 0) return new double[] {Double.NaN, Double.NaN};
        double meanC = sc / count, meanR = sr / count;
        double variance = scc / count - meanC * meanC;
        if (count < 2 || variance < 1e-6) {
            return within == Double.POSITIVE_INFINITY ? new double[] {1, meanR - meanC} : new double[] {Double.NaN, Double.NaN};
        }
        double gain = (scr / count - meanC * meanR) / variance;
        return new double[] {gain, meanR - gain * meanC};
    }

    /** Y (BT.601, {@link Luma}) of a BGR24 picture, one double per pixel. */
    private static Mat luma(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        Mat y = new Mat(h, w, CV_64F);
        ByteBuffer in = ImageFiles.bytes(bgr);
        DoubleBuffer out = y.createBuffer();
        int step = (int) bgr.step();
        for (int row = 0; row < h; row++) {
            for (int x = 0, at = row * step; x < w; x++, at += 3) {
                out.put(row * w + x, Luma.of(in.get(at) & 0xff, in.get(at + 1) & 0xff, in.get(at + 2) & 0xff));
            }
        }
        return y;
    }

    private static void requireSize(Path file, Mat mat, int width, int height) {
        if (mat.cols() != width || mat.rows() != height) {
            throw new InputException(file + ": " + mat.cols() + "x" + mat.rows() + " but its rainy photo is "
                    + width + "x" + height);
        }
    }

    /**
     * One photo's drops: its luminance Y (CV_64F), the drop mask (CV_8U, 255 = drop), where there is a clean
     * picture the distance of each pixel from the veil fit (CV_64F, levels) and the fit's gain and offset
     * (else null and NaN). Closing it closes the Mats.
     */
    public record DropMask(Mat luma, Mat mask, Mat residual, double veilGain, double veilOffset) implements AutoCloseable {
        public boolean hasClean() { return residual != null; }

        @Override
        public void close() {
            luma.close();
            mask.close();
            if (residual != null) residual.close();
        }
    }
}
