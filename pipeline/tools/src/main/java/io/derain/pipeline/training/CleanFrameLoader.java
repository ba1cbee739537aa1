package io.derain.pipeline.training;

import io.derain.models.training.CleanImage;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Decodes clean training footage (videos, images, directories) into memory at the training heights,
 * leaving out the tail of every video that is held out for evaluation.
 */
public final class CleanFrameLoader {
    private final List<Integer> heights;
    private final Map<String, Double> holdoutSeconds;
    private final int everyNth;
    private final Consumer<String> log;

    /**
     * @param heights        each frame is kept once per height (aspect ratio kept): several scales of drops
     * @param holdoutSeconds by file name: seconds at the end of that video never used for training
     * @param everyNth       keep every n-th frame (neighbouring frames are nearly identical)
     */
    public CleanFrameLoader(List<Integer> heights, Map<String, Double> holdoutSeconds, int everyNth, Consumer<String> log) {
        this.heights = heights;
        this.holdoutSeconds = holdoutSeconds;
        this.everyNth = everyNth;
        this.log = log;
    }

    public List<CleanImage> load(List<Path> inputs) throws IOException {
        List<CleanImage> images = new ArrayList<>();
        for (Path input : inputs) {
            int before = images.size();
            try (FrameSource source = Sources.open(input)) {
                SourceInfo info = source.info();
                Double holdout = holdoutSeconds.get(input.getFileName().toString());
                long usable = holdout == null ? Long.MAX_VALUE : heldOutFrom(input, info, holdout);
                if (usable <= 0) throw new InputException(input + ": shorter than the held-out tail");
                MediaItem item;
                while ((item = source.next()) != null) {
                    if (!(item instanceof VideoItem v)) continue;
                    VideoFrame f = v.frame();
                    if (f.index() < usable && f.index() % everyNth == 0) {
                        for (int h : heights) images.add(resized(f, h, input.getFileName() + "#" + f.index() + "@" + h));
                    }
                    source.recycle(f);
                }
                log.accept(String.format("training frames: %s: %d (frames %s held out)", input,
                        images.size() - before, usable == Long.MAX_VALUE ? "none" : usable + ".." + (info.frameCount() - 1)));
            }
        }
        if (images.isEmpty()) throw new InputException("no training frames in " + inputs);
        return images;
    }

    private static long heldOutFrom(Path input, SourceInfo info, double seconds) {
        if (info.frameRate() <= 0 || info.frameCount() <= 0) {
            throw new InputException(input + ": cannot hold out its last seconds: frame rate or count unknown");
        }
        return info.frameCount() - Math.round(seconds * info.frameRate());
    }

    private static CleanImage resized(VideoFrame f, int height, String name) {
        int width = (int) Math.round((double) f.width() * height / f.height());
        ByteBuffer out = ByteBuffer.allocateDirect(width * height * 3);
        try (Mat src = new Mat(f.height(), f.width(), opencv_core.CV_8UC3, new BytePointer(f.pixels()));
             Mat dst = new Mat(height, width, opencv_core.CV_8UC3, new BytePointer(out))) {
            opencv_imgproc.resize(src, dst, new Size(width, height), 0, 0, opencv_imgproc.INTER_AREA);
        }
        return new CleanImage(name, width, height, out);
    }
}
