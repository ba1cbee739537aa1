package io.derain.pipeline.evaluation;

/** How close an image is to its clean reference: PSNR (dB) and SSIM, both on luminance. */
public record Quality(double psnr, double ssim) {}
