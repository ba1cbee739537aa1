package io.derain.pipeline.synthesis;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.PngFiles;
import io.derain.pipeline.sink.TempOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link PairsLayout} directory: rainy, clean and mask PNGs per frame, named by the frame's
 * index. The whole directory is built under a hidden temporary name and renamed into place on commit.
 */
public final class PairsSink implements SynthesisSink {
    private final TempOutput output;
    private long rainy;
    private long clean;
    private boolean committed;

    private PairsSink(TempOutput output) {
        this.output = output;
    }

    /** An existing empty directory is fine; a non-empty one only with {@code overwrite}. */
    public static PairsSink open(Path directory, boolean overwrite) throws IOException {
        TempOutput output = TempOutput.directory(directory, overwrite);
        try {
            for (String sub : new String[] {PairsLayout.RAINY, PairsLayout.CLEAN, PairsLayout.MASK}) {
                Files.createDirectory(output.temp().resolve(sub));
            }
        } catch (IOException e) {
            output.discard();
            throw e;
        }
        return new PairsSink(output);
    }

    @Override
    public void writeClean(VideoFrame frame) throws IOException {
        PngFiles.writePixels(frame, PairsLayout.clean(output.temp(), PairsLayout.fileName(frame.index())));
        clean++;
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        String name = PairsLayout.fileName(frame.index());
        PngFiles.writePixels(frame, PairsLayout.rainy(output.temp(), name));
        PngFiles.writeAttention(frame, PairsLayout.mask(output.temp(), name));
        rainy++;
    }

    /** Pairs written so far. */
    public long pairsWritten() { return rainy; }

    @Override
    public void commit() throws IOException {
        if (rainy == 0) throw new IOException(output.target() + ": no frames to write");
        if (rainy != clean) throw new IllegalStateException("wrote " + rainy + " rainy but " + clean + " clean frames");
        output.commit();
        committed = true;
    }

    @Override
    public void close() {
        if (!committed) output.discard();
    }
}
