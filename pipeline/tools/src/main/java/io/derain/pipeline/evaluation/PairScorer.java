package io.derain.pipeline.evaluation;

import io.derain.pipeline.InputException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Scores one pair at a time: reads its clean reference, rainy input and mask, and compares the rainy and
 * the derained image with the clean one. Luminance planes are kept and reused across pairs.
 */
public final class PairScorer {
    private final PairsDirectory pairs;
    private final double maskThreshold;
    private final ThresholdSweep sweep;
    private final Ssim ssim = new Ssim();
    private final DropSizes maskDrops = new DropSizes();
    private byte[] maskCopy = new byte[0];
    private double[] clean = new double[0];
    private double[] rainy = clean;
    private double[] derained = clean;

    /** @param maskThreshold attention level (0..1] from which a pixel counts as drop, for the IoU */
    public PairScorer(PairsDirectory pairs, double maskThreshold) {
        this(pairs, maskThreshold, null);
    }

    /** Also adds every pair with a mask and an attention map to {@code sweep} (the IoU at all thresholds). */
    public PairScorer(PairsDirectory pairs, double maskThreshold, ThresholdSweep sweep) {
        MaskIoU.thresholdByte(maskThreshold); // validates
        this.pairs = pairs;
        this.maskThreshold = maskThreshold;
        this.sweep = sweep;
    }

    /**
     * Scores the derained image of pair {@code name}.
     *
     * @param derainedBgr BGR24 pixels of the derained image, {@code stride} bytes per row
     * @param attention   the model's attention map (width*height bytes), or null if it predicts none
     */
    public ImageScore score(String name, ByteBuffer derainedBgr, int width, int height, int stride,
                            ByteBuffer attention) {
        int pixels = width * height;
        ensureCapacity(pixels);
        Path cleanFile = pairs.clean(name);
        try (Mat mat = ImageFiles.readColor(cleanFile)) {
            requireSize(cleanFile, mat, width, height, "the derained image");
            Luma.of(ImageFiles.bytes(mat), width, height, (int) mat.step(), clean);
        }
        Path rainyFile = pairs.rainy(name);
        try (Mat mat = ImageFiles.readColor(rainyFile)) {
            requireSize(rainyFile, mat, width, height, cleanFile.toString());
            Luma.of(ImageFiles.bytes(mat), width, height, (int) mat.step(), rainy);
        }
        Luma.of(derainedBgr, width, height, stride, derained);
        Quality before = quality(cleanFile, rainy, width, height);
        Quality after = quality(cleanFile, derained, width, height);
        return new ImageScore(name, before, after, maskIoU(name, attention, width, height));
    }

    /** Scores an already derained image file against pair {@code name} (no attention map: no IoU). */
    public ImageScore scoreFile(String name, Path derainedFile) {
        try (Mat mat = ImageFiles.readColor(derainedFile)) {
            return score(name, ImageFiles.bytes(mat), mat.cols(), mat.rows(), (int) mat.step(), null);
        }
    }

    private Quality quality(Path cleanFile, double[] image, int width, int height) {
        try {
            return new Quality(Psnr.of(image, clean, width * height), ssim.of(image, clean, width, height));
        } catch (IllegalArgumentException e) { // smaller than the SSIM window
            throw new InputException(cleanFile + ": " + e.getMessage());
        }
    }

    private double maskIoU(String name, ByteBuffer attention, int width, int height) {
        Optional<Path> maskFile = pairs.mask(name);
        if (attention == null || maskFile.isEmpty()) return Double.NaN;
        try (Mat mask = ImageFiles.readGrey(maskFile.get())) {
            requireSize(maskFile.get(), mask, width, height, pairs.clean(name).toString());
            if (mask.step() != width) throw new InputException(maskFile.get() + ": unexpected row padding");
            ByteBuffer maskBytes = ImageFiles.bytes(mask);
            if (maskCopy.length < width * height) maskCopy = new byte[width * height];
            for (int i = 0; i < width * height; i++) maskCopy[i] = (byte) ((maskBytes.get(i) & 0xff) > 127 ? 1 : 0);
            maskDrops.add(maskCopy, width, height);
            if (sweep != null) sweep.add(attention, maskBytes, width * height);
            return MaskIoU.of(attention, maskBytes, width * height, maskThreshold);
        }
    }

    /** The drops of the masks scored so far (where a model gave a map to compare with). */
    public DropSizes maskDrops() { return maskDrops; }

    private static void requireSize(Path file, Mat mat, int width, int height, String other) {
        if (mat.cols() != width || mat.rows() != height) {
            throw new InputException(file + ": " + mat.cols() + "x" + mat.rows() + " but " + other + " is "
                    + width + "x" + height);
        }
    }

    private void ensureCapacity(int pixels) {
        if (clean.length < pixels) {
            clean = new double[pixels];
            rainy = new double[pixels];
            derained = new double[pixels];
        }
    }
}
