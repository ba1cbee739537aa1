package io.derain.pipeline.synthesis;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.sink.PngFiles;
import io.derain.pipeline.sink.TempOutput;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rainy video (H.264 with the source's audio, by {@link VideoFileSink}) plus its drop masks as PNGs in
 * the sibling directory {@code <name>.masks/}. Both are written under temporary names; on commit the masks
 * appear first, then the video, and the masks are removed again if the video cannot be finished, so a
 * failed job leaves neither. The clean frames are the input itself and are not written.
 */
public final class RainyVideoSink implements SynthesisSink {
    private final TempOutput masks;
    private final VideoFileSink video;
    private boolean committed;

    private RainyVideoSink(TempOutput masks, VideoFileSink video) {
        this.masks = masks;
        this.video = video;
    }

    public static RainyVideoSink open(Path output, SourceInfo info, boolean overwrite) throws IOException {
        TempOutput masks = TempOutput.directory(masksDirectory(output), overwrite);
        try {
            return new RainyVideoSink(masks, new VideoFileSink(output, info, overwrite));
        } catch (IOException | RuntimeException e) {
            masks.discard();
            throw e;
        }
    }

    /** {@code clip.mp4} → {@code clip.masks} beside it. */
    public static Path masksDirectory(Path video) {
        String name = video.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return video.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".masks");
    }

    @Override
    public void writeClean(VideoFrame clean) {
        // the clean video is the input
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        video.write(frame);
        PngFiles.writeAttention(frame, masks.temp().resolve(PairsLayout.fileName(frame.index())));
    }

    @Override
    public void write(AudioItem audio) throws IOException {
        video.write(audio);
    }

    @Override
    public void commit() throws IOException {
        if (video.framesWritten() == 0) throw new IOException(masks.target() + ": no frames to write");
        masks.commit();
        try {
            video.commit();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(masks.target());
            throw e;
        }
        committed = true;
    }

    @Override
    public void close() {
        video.close();
        if (!committed) masks.discard();
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // best effort: the masks of a video that failed to finish
        }
    }
}
