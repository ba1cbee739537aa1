package io.derain.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.derain.DerainOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.samples.scene.RoadScene;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.junit.jupiter.api.Test;

class DerainInMemoryTest {
    /** A frame of the sample clip: the road scene of seed 7 through drops, so its clean picture is known. */
    private static final int FRAME = 60;

    @Test
    void derainsAnImageInMemoryTowardsTheCleanScene() throws Exception {
        VideoFrame decoded = SampleClips.frame(FRAME);
        BufferedImage rainy = DerainInMemory.toImage(decoded);
        BufferedImage derained;
        try (DerainOperator model = DerainClip.openBundledModel()) {
            derained = DerainInMemory.derain(rainy, model);
        }
        assertEquals(rainy.getWidth(), derained.getWidth());
        assertEquals(rainy.getHeight(), derained.getHeight());
        byte[] in = bytes(rainy), out = bytes(derained);
        byte[] clean = new RoadScene(rainy.getWidth(), rainy.getHeight(), 7).render(FRAME);

        int changed = 0;
        for (int i = 0; i < in.length; i++) if (Math.abs((in[i] & 0xff) - (out[i] & 0xff)) > 8) changed++;
        double psnrInput = psnr(in, out), before = psnr(in, clean), after = psnr(out, clean);
        System.out.printf("changed %.2f %% of samples; PSNR vs input %.2f dB; vs clean: rainy %.2f, derained %.2f dB%n",
                100.0 * changed / in.length, psnrInput, before, after);
        assertTrue(changed > in.length / 1000, "the drops are replaced: " + changed + " samples changed");
        assertTrue(psnrInput > 20 && psnrInput < 60, "the rest is kept: PSNR against the input " + psnrInput);
        assertTrue(after > before + 2, "closer to the clean scene by 2 dB at least (4.5 measured): " + before + " -> " + after + " dB");
    }

    @Test
    void framesAndImagesConvertWithoutLoss() {
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 5; x++) image.setRGB(x, y, (x * 40) << 16 | (y * 70) << 8 | 9);
        VideoFrame frame = DerainInMemory.toFrame(image);
        assertEquals(9, frame.pixels().get(0) & 0xff, "blue first");
        assertEquals(70, frame.pixels().get((5 + 1) * 3 + 1) & 0xff, "green at (1, 1)");
        assertEquals(40, frame.pixels().get((5 + 1) * 3 + 2) & 0xff, "red at (1, 1)");
        BufferedImage back = DerainInMemory.toImage(frame);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 5; x++) assertEquals(image.getRGB(x, y), back.getRGB(x, y));
    }

    private static byte[] bytes(BufferedImage bgr) {
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }

    private static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            sum += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (sum / a.length));
    }
}
