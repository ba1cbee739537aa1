package io.derain.samples;

import io.derain.models.synthesis.DropMask;
import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainStyle;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.synthesis.RainOperator;
import io.derain.samples.scene.RoadScene;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Makes the project's sample clip {@code samples/media/rainy-road.mp4}: the procedural {@link RoadScene}
 * seen through a rainy windshield, rained on by the project's own drop simulation (one persistent drop
 * field, so drops land, grow and run down), encoded as H.264 by the pipeline's video sink. Everything in
 * it is rendered here: no third-party footage.
 *
 * <pre>java -cp ... io.derain.samples.RainyRoadClip [OUTPUT [FRAMES [WIDTH [HEIGHT [SEED]]]]]</pre>
 * Defaults: samples/media/rainy-road.mp4, 100 frames (4 s at 25 fps), 640x360, seed 7. Replaces OUTPUT.
 */
public final class RainyRoadClip {
    public static final double FPS = 25;
    /** Mixed drops (sharp ones on the glass, soft out-of-focus ones) at a moderate density. */
    public static final RainSettings RAIN = RainSettings.defaults(RainStyle.MIXED).withCoverage(0.18);
    /** Fewer bits than the derain output's default: the clip ships in the repository. */
    private static final double BITS_PER_PIXEL = 0.12;

    private RainyRoadClip() {}

    public static void main(String[] args) throws Exception {
        Path output = Path.of(arg(args, 0, "samples/media/rainy-road.mp4"));
        int frames = Integer.parseInt(arg(args, 1, "100"));
        int width = Integer.parseInt(arg(args, 2, "640"));
        int height = Integer.parseInt(arg(args, 3, "360"));
        long seed = Long.parseLong(arg(args, 4, "7"));
        render(output, frames, width, height, seed);
        System.err.printf(Locale.ROOT, "wrote %s: %d frames, %dx%d, %.0f fps, seed %d%n",
                output, frames, width, height, FPS, seed);
    }

    /** Renders, rains on and encodes the clip; the file appears only when complete. */
    public static void render(Path output, int frames, int width, int height, long seed) throws Exception {
        if (frames < 1) throw new IllegalArgumentException("need at least one frame");
        RoadScene scene = new RoadScene(width, height, seed);
        SourceInfo info = new SourceInfo("RoadScene seed " + seed, width, height, FPS, frames, null);
        VideoFrame frame = new VideoFrame(width, height);
        byte[] clean = new byte[width * height * 3];
        List<VideoFrame> batch = List.of(frame);
        try (RainOperator rain = new RainOperator(RAIN, seed, DropMask.DROPS);
             VideoFileSink sink = new VideoFileSink(output, info, true, BITS_PER_PIXEL)) {
            for (int i = 0; i < frames; i++) {
                scene.render(i, clean);
                frame.pixels().put(0, clean);
                frame.setIndex(i);
                frame.setTimestampMicros(Math.round(i * 1e6 / FPS));
                rain.apply(batch);
                sink.write(frame);
            }
            sink.commit();
        }
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }
}
