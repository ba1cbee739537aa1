package io.derain.pipeline.source;

import java.nio.ByteBuffer;

/** Copies a picture row by row between buffers whose rows may be padded differently. */
final class PixelRows {
    private PixelRows() {}

    /**
     * Copies {@code rows} rows of {@code rowBytes} bytes; absolute puts, so neither buffer's position
     * changes and nothing is allocated.
     */
    static void copy(ByteBuffer src, int srcStride, ByteBuffer dst, int dstStride, int rowBytes, int rows) {
        if (srcStride == rowBytes && dstStride == rowBytes) {
            dst.put(0, src, 0, rowBytes * rows);
            return;
        }
        for (int y = 0; y < rows; y++) {
            dst.put(y * dstStride, src, y * srcStride, rowBytes);
        }
    }
}
