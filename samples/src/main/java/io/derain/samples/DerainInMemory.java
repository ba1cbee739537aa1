package io.derain.samples;

import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.frame.VideoFrame;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.File;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Embedding example: derains pictures held in memory, as a service that receives images would, without
 * files or a pipeline: a {@link BufferedImage} becomes a {@link VideoFrame} (BGR bytes), the operator rewrites
 * it in place, and it becomes an image again.
 *
 * <pre>java -cp ... io.derain.samples.DerainInMemory INPUT.jpg|png OUTPUT.jpg|png</pre>
 */
public final class DerainInMemory {
    private DerainInMemory() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: DerainInMemory INPUT OUTPUT (jpg or png)");
            System.exit(2);
        }
        BufferedImage input = ImageIO.read(new File(args[0]));
        if (input == null) {
            System.err.println(args[0] + ": not an image ImageIO reads");
            System.exit(2);
        }
        BufferedImage output;
        try (DerainOperator model = DerainClip.openBundledModel()) {
            output = derain(input, model);
        }
        String format = args[1].toLowerCase(Locale.ROOT).endsWith(".png") ? "png" : "jpg";
        if (!ImageIO.write(output, format, new File(args[1]))) throw new IllegalStateException("no " + format + " writer");
        System.out.printf(Locale.ROOT, "wrote %s: %dx%d%n", args[1], output.getWidth(), output.getHeight());
    }

    /**
     * {@code image} derained by {@code operator}, as a new image of the same size. Call it from one thread
     * per operator (libtorch's state is per thread); the operator stays the caller's.
     *
     * @throws IllegalArgumentException a size the operator does not take
     */
    public static BufferedImage derain(BufferedImage image, FrameOperator operator) {
        operator.checkFrameSize(image.getWidth(), image.getHeight());
        VideoFrame frame = toFrame(image);
        operator.apply(List.of(frame));
        return toImage(frame);
    }

    /** A frame holding {@code image}'s pixels as BGR bytes, whatever the image's own type. */
    public static VideoFrame toFrame(BufferedImage image) {
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        VideoFrame frame = new VideoFrame(image.getWidth(), image.getHeight());
        frame.pixels().put(bytes(bgr)); // TYPE_3BYTE_BGR's raster is B, G, R per pixel, rows packed: the frame's layout
        return frame;
    }

    /** The frame's pixels as a new {@link BufferedImage#TYPE_3BYTE_BGR} image. */
    public static BufferedImage toImage(VideoFrame frame) {
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_3BYTE_BGR);
        frame.pixels().get(bytes(image));
        return image;
    }

    private static byte[] bytes(BufferedImage bgr) {
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }
}
