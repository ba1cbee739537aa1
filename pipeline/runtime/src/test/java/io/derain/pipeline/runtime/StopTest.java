package io.derain.pipeline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.TestMedia;
import io.derain.pipeline.source.VideoFileSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real decode → encode job stopped half-way leaves a playable video holding exactly the frames written. */
@Timeout(60)
class StopTest {
    @TempDir
    Path dir;

    @Test
    void stoppedVideoIsCommittedWithEveryFrameWritten() throws Exception {
        Path out = dir.resolve("stopped.mp4");
        try (VideoFileSource source = VideoFileSource.open(TestMedia.audioClip());
             VideoFileSink sink = new VideoFileSink(out, source.info(), false);
             FrameOperator slow = new SlowIdentity(2)) {
            StagedPipeline pipeline = new StagedPipeline(source, slow, sink);
            ProgressListener stopAt30 = new ProgressListener() {
                @Override
                public void progressed(long framesDone) {
                    if (framesDone >= 30) pipeline.stop();
                }
            };

            JobReport report = pipeline.run(stopAt30);

            assertTrue(report.stopped());
            assertTrue(report.frames() >= 30 && report.frames() < 221, report.frames() + " frames");
            assertEquals(report.frames(), sink.framesWritten());
            TestMedia.Probe probe = TestMedia.probe(out);
            assertEquals(report.frames(), probe.frames(), "an independent decoder finds every frame written");
            assertEquals(TestMedia.probe(TestMedia.audioClip()).timestamps().subList(0, probe.frames()),
                    probe.timestamps(), "the first frames, at their times");
            assertTrue(probe.audioChannels() > 0, "audio kept");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no temporary file left");
        }
    }

    /** Leaves frames as they are, slowly, so that the stop lands mid-stream. */
    private static final class SlowIdentity implements FrameOperator {
        private final int batch;

        SlowIdentity(int batch) {
            this.batch = batch;
        }

        @Override
        public void apply(List<VideoFrame> frames) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int maxBatch() { return batch; }

        @Override
        public void close() {}
    }
}
