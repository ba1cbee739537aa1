package io.derain.models.training;

import io.derain.models.synthesis.DropField;
import io.derain.models.synthesis.DropMask;
import io.derain.models.synthesis.DropRenderer;
import io.derain.models.synthesis.GlassSetup;
import io.derain.models.synthesis.GlassVeil;
import io.derain.models.synthesis.OpticalRenderer;
import io.derain.models.synthesis.RainStreaks;
import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainStyle;
import io.derain.models.synthesis.RaindropRenderer;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.Scalar;
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
    private final ColorJitter jitter;
    private final double maxVeil;
    private double maxStreaks;
    private double smallestDropScale = 1;
    private double dryShare;
    private double maxVeilLift = GlassVeil.DEFAULT_MAX_LIFT;
    private final Map<RainStyle, DropRenderer> renderers = new EnumMap<>(RainStyle.class);
    private final OpticalRenderer optical;
    private DropRenders drops = DropRenders.HEURISTIC;
    private GlassSetup glass = GlassSetup.ANY;
    private final Map<RainStyle, RainSettings> settings = new EnumMap<>(RainStyle.class);
    private ByteBuffer rainy = ByteBuffer.allocateDirect(0);
    private ByteBuffer mask = ByteBuffer.allocateDirect(0);
    private ByteBuffer coverage = ByteBuffer.allocateDirect(0);
    private ByteBuffer jittered = ByteBuffer.allocateDirect(0);
    private ByteBuffer rainyCrops = ByteBuffer.allocateDirect(0);
    private ByteBuffer cleanCrops = ByteBuffer.allocateDirect(0);
    private ByteBuffer maskCrops = ByteBuffer.allocateDirect(0);
    private final TensorOptions byteOptions = new TensorOptions(torch.ScalarType.Byte);

    public SyntheticPairs(List<CleanImage> images, long seed) {
        this(images, seed, false);
    }

    /** @param colorJitter vary each clean picture's colours before raining on it ({@link ColorJitter}) */
    public SyntheticPairs(List<CleanImage> images, long seed, boolean colorJitter) {
        this(images, seed, colorJitter, 0);
    }

    /**
     * @param maxVeil above 0, 2 of 3 samples also get a wet-glass veil ({@link GlassVeil}) of a strength drawn
     *                up to this, so the model learns to undo the whole-frame loss of contrast too
     */
    public SyntheticPairs(List<CleanImage> images, long seed, boolean colorJitter, double maxVeil) {
        if (images.isEmpty()) throw new IllegalArgumentException("no clean images to train on");
        this.images = images;
        this.seed = seed;
        this.jitter = colorJitter ? new ColorJitter() : null;
        this.maxVeil = maxVeil;
        for (RainStyle style : new RainStyle[] {RainStyle.LENS, RainStyle.WINDSHIELD}) {
            settings.put(style, RainSettings.defaults(style));
            renderers.put(style, new RaindropRenderer(settings.get(style)));
        }
        // Denser than synth's default: at 0.5 (times 0.3..1.5 per sample) the drop-look measure of the renders matches
        // real-pairs' coverage; video keeps 0.35, where drops persist instead of merging away within seconds.
        settings.put(RainStyle.OPTICAL, RainSettings.defaults(RainStyle.OPTICAL).withCoverage(0.5));
        optical = new OpticalRenderer(settings.get(RainStyle.OPTICAL), GlassSetup.ANY, seed);
        renderers.put(RainStyle.OPTICAL, optical);
    }

    /** Which renderer draws the samples' drops (default: the heuristic looks). */
    public SyntheticPairs withDrops(DropRenders renders) {
        this.drops = renders;
        return this;
    }

    /** Which glass optical drops are drawn on (default: either kind, half the samples each). */
    public SyntheticPairs withGlass(GlassSetup glass) {
        this.glass = glass;
        return this;
    }

    /**
     * Renders on the host first (the renderer keeps native buffers that must not belong to a caller's
     * PointerScope), then builds the tensors in a scope of its own; the caller owns the returned tensors.
     */
    @Override
    public TrainingBatch batch(long step, int size, int crop) {
        crops(step, size, crop);
        try (PointerScope scope = new PointerScope()) {
            Tensor r = toFloat(rainyCrops, size, crop, 3), c = toFloat(cleanCrops, size, crop, 3), m = toFloat(maskCrops, size, crop, 1);
            // One more reference each: they outlive this scope, and the caller's scope releases them.
            return new TrainingBatch(r.retainReference(), c.retainReference(), m.retainReference());
        }
    }

    /**
     * One batch's crops on the host, HWC bytes one sample after another: rainy and clean BGR, the mask one
     * channel of 0 or 255. The buffers are this source's own and change at the next draw.
     */
    public record Crops(ByteBuffer rainy, ByteBuffer clean, ByteBuffer mask) {}

    /** The crops {@link #batch} turns into tensors for {@code step}: how training samples are exported. */
    public Crops crops(long step, int size, int crop) {
        int cropBytes = crop * crop * 3;
        if (rainyCrops.capacity() < size * cropBytes) {
            rainyCrops = ByteBuffer.allocateDirect(size * cropBytes);
            cleanCrops = ByteBuffer.allocateDirect(size * cropBytes);
            maskCrops = ByteBuffer.allocateDirect(size * crop * crop);
        }
        for (int i = 0; i < size; i++) {
            long sampleSeed = seed ^ (step * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
            SplittableRandom rng = new SplittableRandom(sampleSeed);
            CleanImage image = images.get(rng.nextInt(images.size()));
            if (image.width() < crop || image.height() < crop) {
                throw new IllegalArgumentException(image.name() + " is smaller than the crop size " + crop);
            }
            // A stream of its own, so runs without jitter draw exactly what they drew before it existed. Half
            // the pictures keep their own colours: the footage's look stays what the model sees most.
            SplittableRandom colours = new SplittableRandom(~sampleSeed);
            ByteBuffer clean = jitter == null || colours.nextBoolean() ? image.pixels() : jitter(image, colours);
            if (dry(sampleSeed)) {
                // No rain at all: the picture must come back as it is and the map stay empty.
                int x = rng.nextInt(image.width() - crop + 1), y = rng.nextInt(image.height() - crop + 1);
                boolean mirror = rng.nextBoolean();
                cut(clean, image.width(), 3, x, y, crop, mirror, rainyCrops, i);
                cut(clean, image.width(), 3, x, y, crop, mirror, cleanCrops, i);
                for (int b = i * crop * crop, end = b + crop * crop; b < end; b++) maskCrops.put(b, (byte) 0);
                continue;
            }
            RainStyle style = rng.nextBoolean() ? RainStyle.LENS : RainStyle.WINDSHIELD;
            // A stream of its own, so heuristic-only runs draw exactly what they drew before the optical renderer.
            SplittableRandom glassRng = new SplittableRandom(sampleSeed * 0x94D049BB133111EBL + 0x4F);
            if (drops == DropRenders.OPTICAL || (drops == DropRenders.BOTH && glassRng.nextBoolean())) style = RainStyle.OPTICAL;
            // Vary density from light to heavy so the model also learns to leave dry areas alone.
            RainSettings s = settings.get(style);
            s = s.withCoverage(s.coverage() * (0.3 + 1.2 * rng.nextDouble()));
            if (style == RainStyle.OPTICAL) s = onRandomGlass(s, glassRng);
            s = smaller(s, sampleSeed);
            render(image, clean, style, s, rng.nextLong(), veil(sampleSeed), streaks(sampleSeed));
            int x = rng.nextInt(image.width() - crop + 1), y = rng.nextInt(image.height() - crop + 1);
            boolean mirror = rng.nextBoolean();
            cut(rainy, image.width(), 3, x, y, crop, mirror, rainyCrops, i);
            cut(clean, image.width(), 3, x, y, crop, mirror, cleanCrops, i);
            cut(mask, image.width(), 1, x, y, crop, mirror, maskCrops, i);
        }
        return new Crops(rainyCrops.duplicate(), cleanCrops.duplicate(), maskCrops.duplicate());
    }

    private ByteBuffer jitter(CleanImage image, SplittableRandom rng) {
        int pixels = image.width() * image.height();
        if (jittered.capacity() < pixels * 3) jittered = ByteBuffer.allocateDirect(pixels * 3);
        jitter.apply(image.pixels(), jittered, pixels, rng);
        return jittered;
    }

    /**
     * Above 0, half the samples also get falling-rain streaks ({@link RainStreaks}) of a density drawn up to
     * this, which the model is to remove too; the attention target marks them with the drops.
     */
    public SyntheticPairs withStreaks(double max) {
        this.maxStreaks = max;
        return this;
    }

    /**
     * Below 1, half the samples get drops smaller by a factor drawn between this and 1 (at the same coverage,
     * so more of them): real drops on glass are two to three times smaller than the styles' at the median
     * (README, "Drop sizes, real and ours").
     */
    public SyntheticPairs withSmallerDrops(double smallestScale) {
        if (!(smallestScale > 0 && smallestScale <= 1)) throw new IllegalArgumentException("drop scale must be in (0, 1]: " + smallestScale);
        this.smallestDropScale = smallestScale;
        return this;
    }

    /**
     * Domain randomisation for optical drops: glass of the chosen kind(s), drop sizes from 0.6 to 2 times the measured
     * ones (log-uniform; the real photos range from fine drizzle to large defocused drops).
     */
    private RainSettings onRandomGlass(RainSettings s, SplittableRandom rng) {
        optical.glass(glass.draw(rng));
        double k = Math.exp(Math.log(0.6) + (Math.log(2.0) - Math.log(0.6)) * rng.nextDouble());
        return s.withRadii(s.minRadius() * k, s.maxRadius() * k);
    }

    /**
     * Above 0, this share of the samples gets no rain at all (no drops, veil or streaks): the rainy crop is the
     * clean one and the attention target empty. Dry days are most days, and a model that never saw a dry frame
     * "restores" foliage, bright windows and night lights it takes for drops.
     */
    public SyntheticPairs withDryShare(double share) {
        if (!(share >= 0 && share < 1)) throw new IllegalArgumentException("dry share must be in [0, 1): " + share);
        this.dryShare = share;
        return this;
    }

    /**
     * The veil's airlight lifted up to this far above the frame's mean (fraction of full scale, 0.15..1; default
     * {@link GlassVeil#DEFAULT_MAX_LIFT}); {@link GlassVeil#MEASURED_MAX_LIFT} covers the real pairs' veils. The
     * draw itself is unchanged, so the samples differ only in how bright their veils are.
     */
    public SyntheticPairs withVeilLift(double maxLift) {
        GlassVeil.checkMaxLift(maxLift);
        this.maxVeilLift = maxLift;
        return this;
    }

    /** Whether this sample stays dry, from a stream of its own (runs without dry samples draw what they drew before). */
    private boolean dry(long sampleSeed) {
        return dryShare > 0 && new SplittableRandom(sampleSeed * 0xD6E8FEB86659FD93L + 0x5B).nextDouble() < dryShare;
    }

    /** This sample's drop sizes, from a stream of their own (runs at scale 1 draw what they drew before). */
    private RainSettings smaller(RainSettings s, long sampleSeed) {
        if (smallestDropScale >= 1) return s;
        SplittableRandom rng = new SplittableRandom(sampleSeed * 0x2545F4914F6CDD1DL + 0x3D);
        if (rng.nextBoolean()) return s;
        double k = smallestDropScale + (1 - smallestDropScale) * rng.nextDouble();
        return s.withRadii(s.minRadius() * k, s.maxRadius() * k);
    }

    /** This sample's streaks, from a stream of their own; null: none. */
    private RainStreaks streaks(long sampleSeed) {
        if (maxStreaks <= 0) return null;
        SplittableRandom rng = new SplittableRandom(sampleSeed * 0x5851F42D4C957F2DL + 0x2B);
        if (rng.nextBoolean()) return null;
        return new RainStreaks(maxStreaks * (0.1 + 0.9 * rng.nextDouble()), rng.nextLong());
    }

    /** This sample's veil, from a stream of its own (runs without a veil draw what they drew before); null: none. */
    private GlassVeil veil(long sampleSeed) {
        if (maxVeil <= 0) return null;
        SplittableRandom rng = new SplittableRandom(sampleSeed * 0x632BE59BD9B4E019L + 0x1F);
        if (rng.nextInt(3) == 0) return null;
        return new GlassVeil(maxVeil * (0.1 + 0.9 * rng.nextDouble()), maxVeilLift, rng);
    }

    private void render(CleanImage image, ByteBuffer clean, RainStyle style, RainSettings s, long fieldSeed, GlassVeil veil,
                        RainStreaks streaks) {
        int pixels = image.width() * image.height();
        if (rainy.capacity() < pixels * 3) {
            rainy = ByteBuffer.allocateDirect(pixels * 3);
            mask = ByteBuffer.allocateDirect(pixels);
            coverage = ByteBuffer.allocateDirect(pixels);
        }
        DropField field = new DropField(s, fieldSeed);
        field.step(image.width(), image.height());
        DropRenderer renderer = renderers.get(style);
        renderer.veil(veil);
        renderer.streaks(streaks);
        renderer.render(field, clean, image.width(), image.height(), rainy, null, coverage);
        // The attention target: the visible drops, not the faint fringes no detector can find.
        DropMask.DROPS.fromCoverage(coverage, mask, pixels);
        // Streaks too: the gate passes what the map does not mark, so a gated model removes only marked rain.
        renderer.markStreaks(mask);
    }

    /** Copies a crop, optionally mirrored left-right, into slot {@code slot} of {@code out} (HWC bytes). */
    private static void cut(ByteBuffer from, int width, int channels, int x, int y, int crop, boolean mirror,
                            ByteBuffer out, int slot) {
        int rowBytes = crop * channels;
        int base = slot * crop * rowBytes;
        for (int row = 0; row < crop; row++) {
            int src = ((y + row) * width + x) * channels;
            int dst = base + row * rowBytes;
            if (!mirror) {
                out.put(dst, from, src, rowBytes);
            } else {
                for (int col = 0; col < crop; col++) {
                    out.put(dst + (crop - 1 - col) * channels, from, src + col * channels, channels);
                }
            }
        }
    }

    /** N×crop×crop×C bytes → N×C×crop×crop floats in [0, 1] (a copy). */
    private Tensor toFloat(ByteBuffer bytes, int n, int crop, int channels) {
        Tensor t = torch.from_blob(new BytePointer(bytes), new long[] {n, crop, crop, channels}, byteOptions);
        return t.permute(0, 3, 1, 2).to(torch.ScalarType.Float).div_(new Scalar(255.0)).contiguous();
    }

    @Override
    public void close() {
        renderers.values().forEach(DropRenderer::close);
    }
}
