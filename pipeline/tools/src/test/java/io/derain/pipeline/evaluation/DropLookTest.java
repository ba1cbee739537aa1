package io.derain.pipeline.evaluation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drops of known size, brightness and rim drawn on a textured picture under a veil, measured back. */
class DropLookTest {
    private static final int W = 320, H = 240;
    /** The veil laid over the whole rainy picture: rainy = GAIN · clean + OFFSET. */
    private static final double GAIN = 0.8, OFFSET = 30;
    /** Three drops: centre x, radius; the middle one has a dark rim. */
    private static final int[][] DROPS = {{60, 20}, {160, 16}, {260, 12}};

    @TempDir
    Path dir;

    @Test
    void veiledPairGivesBackItsDrops() throws IOException {
        writePair(dir, 0);
        writeWholeFrameMask(dir); // synth's masks are not used: rule (a) anyway
        DropLookReport report = DropLook.measure(DropRegions.open(dir));
        assertEquals(DropRegions.Rule.PAIRS, report.rule());
        DropLookScore s = report.images().get(0);

        assertEquals(3, s.drops(), "drops");
        double[] r = s.radius();
        assertEquals(16.0 / H, r[1], 0.15 * 16 / H, "median radius");
        assertEquals(20.0 / H, r[3], 0.15 * 20 / H, "p90 radius");
        double area = Math.PI * (20 * 20 + 16 * 16 + 12 * 12);
        assertEquals(area / (W * H), s.coverage(), 0.15 * area / (W * H), "coverage");
        // The veil is undone, not marked: without the fit every pixel would be 30+ levels off.
        assertEquals(GAIN, s.veilGain(), 0.02, "veil gain");
        assertEquals(OFFSET, s.veilOffset(), 2, "veil offset");
        assertTrue(s.brightness() > 50, "bright drops: " + s.brightness());
        // One drop of three has a dark rim: about a third of the edge pixels (by perimeter, 16 / 48).
        assertTrue(s.darkRim() > 0.2 && s.darkRim() < 0.5, "dark rim share " + s.darkRim());
        assertTrue(s.cleanDifference() > 60, "drops differ from the clean picture: " + s.cleanDifference());
        assertEquals(3, report.all().drops());
        assertTrue(report.toJson().contains("\"drops\": 3"), report.toJson());
    }

    @Test
    void blurredDropEdgesMeasureWider() throws IOException {
        Path sharp = Files.createDirectories(dir.resolve("sharp")), soft = Files.createDirectories(dir.resolve("soft"));
        writePair(sharp, 0);
        writePair(soft, 2.5);
        double sharpWidth = DropLook.measure(DropRegions.open(sharp)).all().edgeWidth();
        double softWidth = DropLook.measure(DropRegions.open(soft)).all().edgeWidth();
        // A hard step reads about 2 px on a 3x3 Sobel (its gradient spreads over two pixels); a blurred one wider.
        assertEquals(1000 * 2.0 / H, sharpWidth, 1000 * 1.0 / H, "sharp edges");
        assertTrue(softWidth > 1.8 * sharpWidth, "blurred " + softWidth + " vs sharp " + sharpWidth);
    }

    @Test
    void referenceMapsGiveDropsWithoutCleanFigures() throws IOException {
        Files.createDirectories(dir.resolve("rainy"));
        Files.createDirectories(dir.resolve(ReferenceMaps.MAPS));
        try (Mat rainy = texture(); Mat map = new Mat(H, W, CV_8UC3, new Scalar(128, 0, 0, 0))) { // jet 0: dark blue
            drawDisc(rainy, 160, 20, 230);
            try (Point centre = new Point(160, H / 2); Scalar darkRed = new Scalar(0, 0, 128, 0)) { // jet 1
                circle(map, centre, 20, darkRed, FILLED, LINE_8, 0);
            }
            imwrite(dir.resolve("rainy/1.png").toString(), rainy);
            imwrite(dir.resolve(ReferenceMaps.MAPS).resolve("1_step4.png").toString(), map);
        }
        DropLookReport report = DropLook.measure(DropRegions.open(dir));
        assertEquals(DropRegions.Rule.MAPS, report.rule());
        DropLookScore s = report.all();
        assertEquals(1, s.drops());
        assertEquals(20.0 / H, s.radius()[1], 0.05 * 20 / H);
        assertTrue(s.brightness() > 50, "brightness " + s.brightness());
        assertTrue(s.contrast() < 0.1, "a flat drop on texture: " + s.contrast());
        assertTrue(Double.isNaN(s.cleanDifference()) && Double.isNaN(report.images().get(0).veilGain()));
        assertTrue(report.toJson().contains("\"cleanDifference\": null"));
    }

    /** DIR/clean/1.png (texture) and DIR/rainy/1.png (veiled, with drops blurred by sigma when > 0). */
    private static void writePair(Path dir, double sigma) throws IOException {
        Files.createDirectories(dir.resolve("rainy"));
        Files.createDirectories(dir.resolve("clean"));
        try (Mat clean = texture(); Mat rainy = new Mat(); Mat drops = new Mat(H, W, CV_8UC3, new Scalar(0, 0, 0, 0));
             Mat weight = new Mat(H, W, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            clean.convertTo(rainy, -1, GAIN, OFFSET);
            for (int[] d : DROPS) {
                drawDisc(drops, d[0], d[1], 235);
                drawDisc(weight, d[0], d[1], 255);
            }
            try (Point centre = new Point(DROPS[1][0], H / 2); Scalar dark = new Scalar(20, 20, 20, 0)) {
                circle(drops, centre, DROPS[1][1] - 1, dark, 2, LINE_8, 0); // a 2-px dark rim
            }
            if (sigma > 0) {
                try (Size auto = new Size(0, 0)) {
                    GaussianBlur(drops, drops, auto, sigma);
                    GaussianBlur(weight, weight, auto, sigma);
                }
            }
            blend(rainy, drops, weight);
            imwrite(dir.resolve("clean/1.png").toString(), clean);
            imwrite(dir.resolve("rainy/1.png").toString(), rainy);
        }
    }

    /** A whole-frame mask in DIR/mask/, as if every pixel were drop. */
    private static void writeWholeFrameMask(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("mask"));
        try (Mat mask = new Mat(H, W, CV_8UC3, new Scalar(255, 255, 255, 0))) {
            imwrite(dir.resolve("mask/1.png").toString(), mask);
        }
    }

    /** Waves plus a little noise, 45..165: gradients everywhere, as a real scene has. */
    private static Mat texture() {
        Random random = new Random(7);
        byte[] bgr = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double v = 105 + 50 * Math.sin(x / 7.0) * Math.cos(y / 9.0) + random.nextInt(11) - 5;
                for (int c = 0; c < 3; c++) bgr[(y * W + x) * 3 + c] = (byte) Math.round(v + 4 * c);
            }
        }
        Mat mat = new Mat(H, W, CV_8UC3);
        mat.data().put(bgr);
        return mat;
    }

    private static void drawDisc(Mat image, int x, int radius, int level) {
        try (Point centre = new Point(x, H / 2); Scalar colour = new Scalar(level, level, level, 0)) {
            circle(image, centre, radius, colour, FILLED, LINE_8, 0);
        }
    }

    /** rainy = rainy · (1 − weight) + drops where weight (0..255) says. */
    private static void blend(Mat rainy, Mat drops, Mat weight) {
        byte[] r = bytes(rainy), d = bytes(drops), w = bytes(weight);
        for (int i = 0; i < r.length; i++) {
            double a = (w[i] & 0xff) / 255.0;
            // A blurred drop layer is premultiplied by its weight already.
            r[i] = (byte) Math.round((r[i] & 0xff) * (1 - a) + (d[i] & 0xff));
        }
        rainy.data().put(r);
    }

    private static byte[] bytes(Mat mat) {
        byte[] b = new byte[W * H * 3];
        mat.data().get(b);
        return b;
    }
}
