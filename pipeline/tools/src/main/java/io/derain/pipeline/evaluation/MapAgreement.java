package io.derain.pipeline.evaluation;

import io.derain.pipeline.InputException;
import io.derain.pipeline.sink.FrameSink;
import io.derain.operators.frame.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The end of a pipeline that compares each photo's attention map with its reference map
 * ({@link ReferenceMaps}): the model's map counts as drop from its drop threshold, the reference's
 * (recovered from its jet colours) from {@link #REFERENCE_THRESHOLD}. Nothing is written.
 */
public final class MapAgreement implements FrameSink {
    /** A reference map's drop level: jet's midpoint, between its cyan and yellow. */
    public static final double REFERENCE_THRESHOLD = 0.5;

    private final ReferenceMaps references;
    private final int dropByte;
    private final List<MapScore> scores = new ArrayList<>();
    private final DropSizes ourDrops = new DropSizes();
    private final DropSizes referenceDrops = new DropSizes();
    private byte[] ours = new byte[0];
    private byte[] theirs = new byte[0];

    /** @param dropThreshold the model's attention level (0..1] from which a pixel counts as drop */
    public MapAgreement(ReferenceMaps references, double dropThreshold) {
        this.references = references;
        this.dropByte = MaskIoU.thresholdByte(dropThreshold);
    }

    @Override
    public void write(VideoFrame frame) {
        ByteBuffer attention = frame.attention();
        Path mapFile = references.map(frame.label());
        if (attention == null) throw new InputException("the model predicts no attention map to compare with " + mapFile);
        int w = frame.width(), h = frame.height();
        long both = 0, either = 0, oursCount = 0, theirsCount = 0;
        if (ours.length < w * h) {
            ours = new byte[w * h];
            theirs = new byte[w * h];
        }
        try (Mat map = ImageFiles.readColor(mapFile)) {
            if (map.cols() != w || map.rows() != h) {
                throw new InputException(mapFile + ": " + map.cols() + "x" + map.rows() + " but its photo is " + w + "x" + h);
            }
            ByteBuffer bgr = ImageFiles.bytes(map);
            int step = (int) map.step();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int at = y * step + 3 * x;
                    float v = JetColormap.value(bgr.get(at + 2) & 0xff, bgr.get(at + 1) & 0xff, bgr.get(at) & 0xff);
                    boolean reference = v >= REFERENCE_THRESHOLD;
                    boolean predicted = (attention.get(y * w + x) & 0xff) >= dropByte;
                    ours[y * w + x] = (byte) (predicted ? 1 : 0);
                    theirs[y * w + x] = (byte) (reference ? 1 : 0);
                    if (predicted) oursCount++;
                    if (reference) theirsCount++;
                    if (predicted && reference) both++;
                    if (predicted || reference) either++;
                }
            }
        }
        double pixels = (double) w * h;
        ourDrops.add(ours, w, h);
        referenceDrops.add(theirs, w, h);
        scores.add(new MapScore(frame.label(), either == 0 ? 1 : (double) both / either, oursCount / pixels, theirsCount / pixels));
    }

    /** The drops our maps show, over every photo. */
    public DropSizes ourDrops() { return ourDrops; }

    /** The drops the reference maps show, over every photo. */
    public DropSizes referenceDrops() { return referenceDrops; }

    /** In the order the photos arrived. */
    public List<MapScore> scores() { return List.copyOf(scores); }

    @Override
    public void commit() {}

    @Override
    public void close() {}
}
