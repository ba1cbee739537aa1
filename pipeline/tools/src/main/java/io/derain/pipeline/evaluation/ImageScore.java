package io.derain.pipeline.evaluation;

/**
 * The scores of one pair.
 *
 * @param name     the file name shared by rainy/, clean/ (and mask/)
 * @param rainy    the rainy input against the clean image
 * @param derained the derained output against the clean image
 * @param maskIoU  IoU of the thresholded attention map with the drop mask; NaN without mask or map
 */
public record ImageScore(String name, Quality rainy, Quality derained, double maskIoU) {
    /** What deraining gained in PSNR, in dB. */
    public double gainDb() { return derained.psnr() - rainy.psnr(); }

    public boolean hasMaskIoU() { return !Double.isNaN(maskIoU); }
}
