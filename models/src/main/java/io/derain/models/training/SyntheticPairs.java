package io.derain.models.training;

import io.derain.models.synthesis.DropField;
import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainStyle;
import io.derain.models.synthesis.RaindropRenderer;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Rainy/clean/mask crops made on the fly: each sample takes a clean picture, rains on the whole picture
 * with a fresh drop field (so drops have their real size relative to the scene), and cuts a random,
 * randomly mirrored crop. Everything random derives from (seed, step, index), so a resumed run draws
 * exactly the batches the uninterrupted run would have.
 */
public final class SyntheticPairs implements SampleSource {
    private final List<CleanImage> images;
    private final long seed;
    private final Map<RainStyle, RaindropRenderer> renderers = new EnumMap<>(RainStyle.class);
    private final Map<RainStyle, RainSettings> settings = new EnumMap<>(RainStyle.class);
    private ByteBuffer rainy = ByteBuffer.allocateDirect(0);
    private ByteBuffer mask = ByteBuffer.allocateDirect(0);
    private final TensorOptions bytes = new TensorOptions(torch.ScalarType.Byte);

    public SyntheticPairs(List<CleanImage> images, long seed) {
        if (images.isEmpty()) throw new IllegalArgumentException("no clean images to train on");
        this.images = images;
        this.seed = seed;
        for (RainStyle style : new RainStyle[] {RainStyle.LENS, RainStyle.WINDSHIELD}) {
            settings.put(style, RainSettings.defaults(style));
            renderers.put(style, new RaindropRenderer(settings.get(style)));
        }
    }

    @Override
    public TrainingBatch batch(long step, int size, int crop) {
        TensorVector rainyCrops = new TensorVector(), cleanCrops = new TensorVector(), maskCrops = new TensorVector();
        for (int i = 0; i < size; i++) {
            SplittableRandom rng = new SplittableRandom(seed ^ (step * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL));
            CleanImage image = images.get(rng.nextInt(images.size()));
            if (image.width() < crop || image.height() < crop) {
                throw new IllegalArgumentException(image.name() + " is smaller than the crop size " + crop);
            }
            RainStyle style = rng.nextBoolean() ? RainStyle.LENS : RainStyle.WINDSHIELD;
            // Vary density from light to heavy so the model also learns to leave dry areas alone.
            RainSettings s = settings.get(style);
            s = s.withCoverage(s.coverage() * (0.3 + 1.2 * rng.nextDouble()));
            render(image, style, s, rng.nextLong());
            int x = rng.nextInt(image.width() - crop + 1), y = rng.nextInt(image.height() - crop + 1);
            boolean mirror = rng.nextBoolean();
            rainyCrops.push_back(cut(rainy, image, 3, x, y, crop, mirror));
            cleanCrops.push_back(cut(image.pixels(), image, 3, x, y, crop, mirror));
            maskCrops.push_back(cut(mask, image, 1, x, y, crop, mirror));
        }
        return new TrainingBatch(torch.stack(rainyCrops), torch.stack(cleanCrops), torch.stack(maskCrops));
    }

    private void render(CleanImage image, RainStyle style, RainSettings s, long fieldSeed) {
        int pixels = image.width() * image.height();
        if (rainy.capacity() < pixels * 3) {
            rainy = ByteBuffer.allocateDirect(pixels * 3);
            mask = ByteBuffer.allocateDirect(pixels);
        }
        DropField field = new DropField(s, fieldSeed);
        field.step(image.width(), image.height());
        RaindropRenderer renderer = renderers.get(style);
        renderer.render(field, image.pixels(), image.width(), image.height(), rainy, mask, null);
    }

    /** A crop as a float C×crop×crop tensor in [0, 1] (a copy: the source buffers are reused). */
    private Tensor cut(ByteBuffer buffer, CleanImage image, int channels, int x, int y, int crop, boolean mirror) {
        Tensor all = torch.from_blob(new BytePointer(buffer), new long[] {image.height(), image.width(), channels}, bytes);
        Tensor t = all.narrow(0, y, crop).narrow(1, x, crop).permute(2, 0, 1).to(torch.ScalarType.Float)
                .div_(new org.bytedeco.pytorch.Scalar(255.0));
        return mirror ? torch.flip(t, 2) : t;
    }

    @Override
    public void close() {
        renderers.values().forEach(RaindropRenderer::close);
    }
}
