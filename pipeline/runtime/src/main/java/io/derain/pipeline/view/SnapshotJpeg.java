package io.derain.pipeline.view;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Encodes a {@link LiveView.Snapshot}'s panels as JPEG for a browser. A panel wider than {@code maxPanelWidth} is
 * scaled down first (a 4K camera's side by side would be 11,520 pixels wide). Keeps its composing buffer between
 * calls (native memory is only borrowed within a call: nothing to close); one thread at a time (callers hold a lock).
 */
public final class SnapshotJpeg {
    private final int maxPanelWidth;
    private final int quality;
    private ByteBuffer composed = ByteBuffer.allocateDirect(0);

    /** @param quality JPEG quality 1..100 */
    public SnapshotJpeg(int maxPanelWidth, int quality) {
        if (maxPanelWidth < 16) throw new IllegalArgumentException("panels narrower than 16 pixels");
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("JPEG quality is 1..100");
        this.maxPanelWidth = maxPanelWidth;
        this.quality = quality;
    }

    /** The panel as JPEG bytes; {@code s} must be acquired. */
    public byte[] encode(LiveView.Snapshot s, Panel panel) {
        int w = s.width(), h = s.height(), panels = panel == Panel.SIDE_BY_SIDE ? 3 : 1;
        long row = (long) w * 3 * panels, bytes = row * h;
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("a " + w + "x" + h + " snapshot is too large");
        if (composed.capacity() < bytes) composed = ByteBuffer.allocateDirect((int) bytes);
        int rowBytes = w * 3;
        for (int y = 0; y < h; y++) {
            int o = (int) (y * row), at = y * rowBytes;
            switch (panel) {
                case INPUT -> composed.put(o, s.input(), at, rowBytes);
                case DERAINED -> composed.put(o, s.derained(), at, rowBytes);
                case MAP -> map(s, y, o);
                case SIDE_BY_SIDE -> {
                    composed.put(o, s.input(), at, rowBytes);
                    composed.put(o + rowBytes, s.derained(), at, rowBytes);
                    map(s, y, o + 2 * rowBytes);
                }
            }
        }
        try (BytePointer pixels = new BytePointer(composed);
             Mat mat = new Mat(h, w * panels, CV_8UC3, pixels, row);
             BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
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
    private void map(LiveView.Snapshot s, int y, int offset) {
        byte[] map = s.map();
        int w = s.width();
        for (int x = 0; x < w; x++) {
            byte v = map == null ? 0 : map[y * w + x];
            int p = offset + 3 * x;
            composed.put(p, v).put(p + 1, v).put(p + 2, v);
        }
    }
}
