package io.derain.pipeline.source;

import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks a PNG's image data the way libpng reads it: the IDAT stream inflates, and the rows it holds (each a
 * filter type 0..4 and the row's bytes; seven reduced images when interlaced) fill it exactly. libpng prints
 * its complaint about such data to stderr before OpenCV gives up, which would make a second line beside
 * derain's; checked here first, the damage is one line naming the file. Streams the inflated data through a
 * fixed buffer: memory does not grow with the picture. Assumes the chunks' CRCs were checked.
 */
final class PngImageData {
    private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4},
            {1, 0, 2, 2}, {0, 1, 1, 2}}; // x start, y start, x step, y step of each pass

    private PngImageData() {}

    /** What is wrong with the image data, or null when every row is there with a valid filter type. */
    static String problem(byte[] png) {
        Rows rows = null;
        Inflater inflater = new Inflater();
        byte[] out = new byte[1 << 16];
        try {
            for (int pos = 8; pos + 12 <= png.length; ) {
                int length = (int) ImageFileCheck.u32(png, pos);
                String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
                if (type.equals("IHDR") && length >= 13) {
                    rows = new Rows(png, pos + 8);
                } else if (type.equals("IDAT")) {
                    if (rows == null) return "image data before the header";
                    if (inflater.finished()) return "image data after its end";
                    inflater.setInput(png, pos + 8, length);
                    while (!inflater.needsInput() && !inflater.finished()) {
                        int n = inflater.inflate(out);
                        if (n == 0 && inflater.needsDictionary()) return "image data needs a preset dictionary";
                        String problem = rows.consume(out, n);
                        if (problem != null) return problem;
                    }
                } else if (type.equals("IEND")) {
                    break;
                }
                pos += 12 + length;
            }
            if (rows == null) return null; // no header: the header check reports it
            if (!inflater.finished() || !rows.done()) return "not enough image data: " + rows.progress();
            return null;
        } catch (DataFormatException e) {
            return "image data does not inflate (" + e.getMessage() + ")";
        } finally {
            inflater.end();
        }
    }

    /** Walks the rows of the image (pass by pass when interlaced) as inflated bytes arrive. */
    private static final class Rows {
        private final long width;
        private final long height;
        private final long[][] passes; // {bytes per row, rows} of each non-empty pass
        private int pass;
        private long rowsLeft;   // in the current pass
        private long leftInRow;  // bytes of the current row still to come; 0 at a row's filter byte
        private long row;

        Rows(byte[] png, int ihdr) {
            width = ImageFileCheck.u32(png, ihdr);
            height = ImageFileCheck.u32(png, ihdr + 4);
            int channels = switch (png[ihdr + 9] & 0xff) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1; // grey, palette
            };
            long bitsPerPixel = (long) (png[ihdr + 8] & 0xff) * channels;
            int[][] layout = (png[ihdr + 12] & 0xff) == 1 ? ADAM7 : new int[][] {{0, 0, 1, 1}};
            java.util.List<long[]> list = new java.util.ArrayList<>();
            for (int[] p : layout) {
                long w = Math.max(0, (width - p[0] + p[2] - 1) / p[2]), h = Math.max(0, (height - p[1] + p[3] - 1) / p[3]);
                if (w > 0 && h > 0) list.add(new long[] {(w * bitsPerPixel + 7) / 8, h});
            }
            passes = list.toArray(new long[0][]);
            rowsLeft = passes.length > 0 ? passes[0][1] : 0;
        }

        String consume(byte[] data, int n) {
            int i = 0;
            while (i < n) {
                if (leftInRow > 0) {
                    long take = Math.min(leftInRow, n - i);
                    i += (int) take;
                    leftInRow -= take;
                    continue;
                }
                while (rowsLeft == 0 && pass < passes.length) {
                    pass++;
                    if (pass < passes.length) rowsLeft = passes[pass][1];
                }
                if (pass >= passes.length) return "more image data than its " + width + "x" + height + " size holds";
                int filter = data[i] & 0xff;
                if (filter > 4) return "bad filter type " + filter + " in row " + row + " of its image data";
                i++;
                row++;
                rowsLeft--;
                leftInRow = passes[pass][0];
            }
            return null;
        }

        /** Every row of every pass has come. */
        boolean done() {
            return leftInRow == 0 && rowsLeft == 0 && pass >= passes.length - 1;
        }

        /** How far the data went, e.g. "100 of 240 rows". */
        String progress() {
            long total = 0;
            for (long[] p : passes) total += p[1];
            return row + " of " + total + " rows";
        }
    }
}
