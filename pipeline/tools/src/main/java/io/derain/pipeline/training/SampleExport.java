package io.derain.pipeline.training;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.derain.models.training.SyntheticPairs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes training samples, drawn exactly as {@code derain train} draws them, as files a trainer elsewhere
 * reads (the GPU trainer, {@code models/src/main/python/train_gpu.py}): {@code DIR/rainy/NNNNNN.jpg},
 * {@code DIR/clean/NNNNNN.jpg} and the drop mask {@code DIR/mask/NNNNNN.png}, the layout
 * {@code derain eval --pairs} reads too. Sample i is step i's first crop, so a count is a prefix of a longer
 * export with the same seed.
 */
public final class SampleExport {
    private final Path directory;
    private final int jpegQuality;

    /** @param jpegQuality 1–100 for the rainy and clean crops; the mask is lossless PNG */
    public SampleExport(Path directory, int jpegQuality) {
        if (jpegQuality < 1 || jpegQuality > 100) throw new IllegalArgumentException("JPEG quality must be 1-100");
        this.directory = directory;
        this.jpegQuality = jpegQuality;
    }

    public void write(SyntheticPairs data, long count, int crop, Consumer<String> log) throws IOException {
        for (String sub : new String[] {"rainy", "clean", "mask"}) Files.createDirectories(directory.resolve(sub));
        int cropBytes = crop * crop * 3;
        try (IntPointer jpeg = new IntPointer(IMWRITE_JPEG_QUALITY, jpegQuality)) {
            for (long i = 0; i < count; i++) {
                SyntheticPairs.Crops crops = data.crops(i, 1, crop);
                String name = String.format("%06d", i);
                image(crops.rainy(), crop, CV_8UC3, cropBytes, directory.resolve("rainy/" + name + ".jpg"), jpeg);
                image(crops.clean(), crop, CV_8UC3, cropBytes, directory.resolve("clean/" + name + ".jpg"), jpeg);
                image(crops.mask(), crop, CV_8UC1, crop * crop, directory.resolve("mask/" + name + ".png"), null);
                if ((i + 1) % 200 == 0 || i + 1 == count) log.accept("exported " + (i + 1) + " of " + count + " samples");
            }
        }
    }

    private static void image(ByteBuffer bytes, int crop, int type, int length, Path file, IntPointer params)
            throws IOException {
        try (BytePointer pointer = new BytePointer(bytes.duplicate().limit(length));
             Mat mat = new Mat(crop, crop, type, pointer)) {
            boolean ok = params == null ? imwrite(file.toString(), mat) : imwrite(file.toString(), mat, params);
            if (!ok) throw new IOException(file + ": cannot write");
        }
    }
}
