package io.derain.pipeline.sink;

import io.derain.models.SettingsException;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Writes each frame's raindrop map (8-bit grey, 255 = certainly a drop) to {@code DIR/00000.png}, or, for
 * frames with a name (images), to the name with {@code .png}, and passes the frame on to the main output.
 * The directory appears with the output on {@link #commit()}, never half-written. Owns the sink it wraps.
 * Keeps the share of pixels the maps call drops (at or above the model's drop threshold): how dirty the lens is.
 */
public final class AttentionMapSink implements FrameSink {
    private final FrameSink output;
    private final TempOutput maps;
    private final int dropByte;
    private long dropPixels;
    private long pixels;

    /**
     * Takes ownership of {@code output}: closed here too if the map directory cannot be made.
     *
     * @param dropThreshold attention level (0..1] from which a pixel counts as raindrop for the coverage
     */
    public AttentionMapSink(FrameSink output, Path dir, boolean overwrite, double dropThreshold) throws IOException {
        this.output = output;
        try {
            this.dropByte = thresholdByte(dropThreshold);
            this.maps = TempOutput.directory(dir, overwrite);
        } catch (IOException | RuntimeException e) {
            output.close();
            throw e;
        }
    }

    /**
     * The map byte (0..255 for 0..1) from which a pixel counts as drop for threshold {@code t} in (0, 1]:
     * ⌈255·t⌉ (t = 0.5: byte ≥ 128). Evaluation counts drops by the same rule.
     */
    public static int thresholdByte(double t) {
        if (!(t > 0 && t <= 1)) throw new SettingsException("mask threshold must be in (0, 1]: " + t);
        return (int) Math.ceil(255 * t - 1e-9);
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        ByteBuffer map = frame.attention();
        if (map == null) {
            throw new IOException(maps.target() + ": the model predicts no attention map to write (frame "
                    + frame.index() + ")");
        }
        String name = frame.label() == null ? String.format("%05d.png", frame.index())
                : frame.label().replaceFirst("\\.[^.]*$", "") + ".png";
        PngFiles.writeAttention(frame, maps.temp().resolve(name));
        for (int i = 0; i < map.limit(); i++) if ((map.get(i) & 0xff) >= dropByte) dropPixels++;
        pixels += map.limit();
        output.write(frame);
    }

    @Override
    public void write(AudioItem audio) throws IOException {
        output.write(audio);
    }

    /** Mean share of the frames' pixels the maps call raindrops, 0..1 (0 before any frame). */
    public double dropCoverage() {
        return pixels == 0 ? 0 : (double) dropPixels / pixels;
    }

    @Override
    public void commit() throws IOException {
        output.commit();
        maps.commit();
    }

    @Override
    public void close() {
        try {
            output.close();
        } finally {
            maps.discard();
        }
    }
}
