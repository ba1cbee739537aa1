package io.derain.pipeline.view;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Encodes a {@link LiveView.Snapshot}'s panels as JPEG for a browser. A panel wider than {@code maxPanelWidth} is
 * scaled down first (a 4K camera's side by side would be 11,520 pixels wide). Keeps its native buffers between
 * calls; one thread at a time (callers hold a lock), {@link #close()} frees them.
 */
public final class SnapshotJpeg implements AutoCloseable {
    private final int maxPanelWidth;
    private final IntPointer params;
    private BytePointer composed = new BytePointer(0L);

    /** @param quality JPEG quality 1..100 */
    public SnapshotJpeg(int maxPanelWidth, int quality) {
        if (maxPanelWidth < 16) throw new IllegalArgumentException("panels narrower than 16 pixels");
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("JPEG quality is 1..100");
        this.maxPanelWidth = maxPanelWidth;
        this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    }

    /** The panel as JPEG bytes; {@code s} must be acquired. */
    public byte[] encode(LiveView.Snapshot s, Panel panel) {
        int w = s.width(), h = s.height(), panels = panel == Panel.SIDE_BY_SIDE ? 3 : 1;
        long row = (long) w * 3 * panels, bytes = row * h;
        if (composed.capacity() < bytes) {
            composed.close();
            composed = new BytePointer(bytes);
        }
        int rowBytes = w * 3;
        for (int y = 0; y < h; y++) {
            long o = y * row;
            int at = y * rowBytes;
            switch (panel) {
                case INPUT -> composed.position(o).put(s.input(), at, rowBytes);
                case DERAINED -> composed.position(o).put(s.derained(), at, rowBytes);
                case MAP -> map(s, y, o);
                case SIDE_BY_SIDE -> {
                    composed.position(o).put(s.input(), at, rowBytes);
                    composed.position(o + rowBytes).put(s.derained(), at, rowBytes);
                    map(s, y, o + 2L * rowBytes);
                }
            }
        }
        composed.position(0);
        try (Mat mat = new Mat(h, w * panels, CV_8UC3, composed, row);
             BytePointer out = new BytePointer()) {
            boolean ok;
            if (w > maxPanelWidth) {
                int scaledH = Math.max(1, (int) Math.round((double) h * maxPanelWidth / w));
                try (Mat small = new Mat(); Size size = new Size(maxPanelWidth * panels, scaledH)) {
                    resize(mat, small, size, 0, 0, INTER_AREA);
                    ok = imencode(".jpg", small, out, params);
                }
            } else {
                ok = imencode(".jpg", mat, out, params);
            }
            if (!ok) throw new IllegalStateException("OpenCV could not encode a " + w + "x" + h + " snapshot as JPEG");
            byte[] jpeg = new byte[(int) out.limit()];
            out.get(jpeg);
            return jpeg;
        }
    }

    /** Row {@code y} of the map as grey BGR at {@code offset}; black without a map. */
    private void map(LiveView.Snapshot s, int y, long offset) {
        byte[] map = s.map();
        int w = s.width();
        for (int x = 0; x < w; x++) {
            byte v = map == null ? 0 : map[y * w + x];
            long p = offset + 3L * x;
            composed.put(p, v).put(p + 1, v).put(p + 2, v);
        }
    }

    @Override
    public void close() {
        composed.close();
        params.close();
    }
}
