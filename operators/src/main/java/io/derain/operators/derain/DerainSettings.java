package io.derain.operators.derain;

/**
 * How the derain operator runs.
 *
 * @param maxBatch    frames per inference call
 * @param maxPixels   largest frame (width × height) accepted, to fail early rather than run out of memory
 * @param precision   inference arithmetic
 * @param workWidth   with workHeight: run the model at this size and apply its correction at full size;
 *                    0 = off
 * @param workHeight  see workWidth
 * @param tile        tile side for tiled full-resolution inference; 0 = off (exclusive with a work size)
 * @param tileOverlap pixels shared by neighbouring tiles
 */
public record DerainSettings(int maxBatch, long maxPixels, Precision precision, int workWidth, int workHeight,
                             int tile, int tileOverlap) {

    public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;

    public DerainSettings {
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        if (workWidth > 0 && tile > 0) throw new IllegalArgumentException("--work-size and --tile exclude each other");
    }

    public static DerainSettings defaults() {
        return new DerainSettings(1, DEFAULT_MAX_PIXELS, Precision.FP32, 0, 0, 0, 0);
    }

    public DerainSettings withBatch(int n) {
        return new DerainSettings(n, maxPixels, precision, workWidth, workHeight, tile, tileOverlap);
    }

    FrameInference inference() {
        if (workWidth > 0) return new WorkResolution(workWidth, workHeight);
        if (tile > 0) return new Tiled(tile, tileOverlap);
        return new WholeFrame();
    }
}
