package io.derain.models.restore;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;

/**
 * The frames int8 inference is calibrated on: three 640×360 frames of {@code samples/media/rainy-road.mp4}
 * (a clean MIT-licensed dashcam clip under rendered drops, so never the evaluation sets), bundled with the
 * models. Enough to observe each activation's range; the ranges barely move with more frames.
 */
public final class CalibrationFrames {
    static final String FOLDER = "/io/derain/models/calibration/";
    static final List<String> NAMES = List.of("rainy-road-0.jpg", "rainy-road-1.jpg", "rainy-road-2.jpg");

    private CalibrationFrames() {}

    /** Each frame as a 1×3×H×W fp32 BGR tensor in [0, 1]; the caller owns them. */
    public static List<Tensor> load() {
        List<Tensor> frames = new ArrayList<>(NAMES.size());
        for (String name : NAMES) {
            try (InputStream in = CalibrationFrames.class.getResourceAsStream(FOLDER + name)) {
                if (in == null) throw new IllegalStateException("calibration frame " + name + " is missing from the models jar");
                BufferedImage image = ImageIO.read(in);
                frames.add(tensor(image));
            } catch (IOException e) {
                throw new UncheckedIOException("calibration frame " + name + ": " + e.getMessage(), e);
            }
        }
        return frames;
    }

    private static Tensor tensor(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        float[] bgr = new float[3 * w * h];
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y), i = y * w + x;
                bgr[i] = (rgb & 0xff) / 255f;
                bgr[plane + i] = ((rgb >> 8) & 0xff) / 255f;
                bgr[2 * plane + i] = ((rgb >> 16) & 0xff) / 255f;
            }
        }
        return Tensor.create(bgr, 1, 3, h, w);
    }
}
