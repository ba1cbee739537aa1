package io.derain.pipeline.evaluation;

/**
 * How a model's attention map agrees with a reference map on one photo.
 *
 * @param iou       intersection over union of the two "drop" regions
 * @param coverage  fraction of the photo the model's map calls drop
 * @param reference fraction of the photo the reference map calls drop
 */
public record MapScore(String name, double iou, double coverage, double reference) {}
