package io.derain.operators.derain;

import io.derain.models.SettingsException;

/**
 * How the derain operator runs. Start from {@link #defaults()} and change what differs with the {@code with...}
 * methods (the canonical constructor is the record's; callers name what they set).
 *
 * @param maxBatch    frames per inference call
 * @param maxPixels   largest frame (width × height) accepted, to fail early rather than run out of memory
 * @param precision   inference arithmetic
 * @param workWidth   with workHeight: run the model at this size and apply its correction at full size;
 *                    0 = off
 * @param workHeight  see workWidth
 * @param tile        tile side for tiled full-resolution inference; 0 = off (exclusive with a work size)
 * @param tileOverlap pixels shared by neighbouring tiles
 * @param pipelineDepth batches in the operator at once (a ring of host buffers); 0 = 2 on CUDA, where
 *                    copies then overlap compute, and 1 on the CPU, where there is nothing to overlap
 * @param gate        how the restoration is blended in by the model's attention map, so that pixels
 *                    the map calls clear pass through untouched: as the model's weights say
 *                    ({@link GateChoice#FROM_MODEL}) or overridden; ignored for models without an attention map
 */
public record DerainSettings(int maxBatch, long maxPixels, Precision precision, int workWidth, int workHeight,
                             int tile, int tileOverlap, int pipelineDepth, GateChoice gate) {

    public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;

    public DerainSettings {
        if (maxBatch < 1) throw new SettingsException("batch size must be at least 1, got " + maxBatch);
        if (workWidth > 0 && tile > 0) throw new SettingsException("a work size and tiling exclude each other");
        if (pipelineDepth < 0) throw new SettingsException("pipeline depth must not be negative: " + pipelineDepth);
        if (gate == null) throw new SettingsException("no attention gate given (GateChoice.FROM_MODEL for the model's)");
    }

    public static DerainSettings defaults() {
        return new DerainSettings(1, DEFAULT_MAX_PIXELS, Precision.FP32, 0, 0, 0, 0, 0, GateChoice.FROM_MODEL);
    }

    public DerainSettings withBatch(int n) {
        return new DerainSettings(n, maxPixels, precision, workWidth, workHeight, tile, tileOverlap, pipelineDepth, gate);
    }

    public DerainSettings withPipelineDepth(int depth) {
        return new DerainSettings(maxBatch, maxPixels, precision, workWidth, workHeight, tile, tileOverlap, depth, gate);
    }

    public DerainSettings withMaxPixels(long pixels) {
        return new DerainSettings(maxBatch, pixels, precision, workWidth, workHeight, tile, tileOverlap, pipelineDepth, gate);
    }

    public DerainSettings withPrecision(Precision p) {
        return new DerainSettings(maxBatch, maxPixels, p, workWidth, workHeight, tile, tileOverlap, pipelineDepth, gate);
    }

    /** Runs the model at width × height and applies its correction at full size (0 × 0: off). */
    public DerainSettings withWorkSize(int width, int height) {
        return new DerainSettings(maxBatch, maxPixels, precision, width, height, tile, tileOverlap, pipelineDepth, gate);
    }

    /** Tiled full-resolution inference with tiles of {@code side} overlapping by {@code overlap} (side 0: off). */
    public DerainSettings withTiles(int side, int overlap) {
        return new DerainSettings(maxBatch, maxPixels, precision, workWidth, workHeight, side, overlap, pipelineDepth, gate);
    }

    public DerainSettings withGate(GateChoice g) {
        return new DerainSettings(maxBatch, maxPixels, precision, workWidth, workHeight, tile, tileOverlap, pipelineDepth, g);
    }

    /** The depth to use on {@code device}: as set, or the default for it. */
    int pipelineDepthOn(ComputeDevice device) {
        return pipelineDepth > 0 ? pipelineDepth : device.isCuda() ? 2 : 1;
    }

    FrameInference inference() {
        if (workWidth > 0) return new WorkResolution(workWidth, workHeight);
        if (tile > 0) return new Tiled(tile, tileOverlap);
        return new WholeFrame();
    }
}
