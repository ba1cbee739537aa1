package io.derain.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.SettingsException;
import io.derain.operators.temporal.TemporalSettings;
import io.derain.pipeline.InputException;
import io.derain.pipeline.runtime.IdentityOperator;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerainJobTest {
    @TempDir
    Path tmp;

    @Test
    void runsAClipThroughTheOperatorIntoItsOutput() throws Exception {
        Path out = tmp.resolve("out.mp4");
        JobSettings settings = JobSettings.builder(TestMedia.shortClip().toString(), out.toString()).frameRate(5).build();
        try (IdentityOperator operator = new IdentityOperator(2);
             DerainJob job = DerainJob.open(settings, operator)) {
            assertEquals("test_video.mp4", job.cameraId());
            assertFalse(job.info().live());
            JobReport report = job.run(ProgressListener.NONE);
            assertEquals(8, report.frames(), "38 frames at 25 fps thinned to 5 fps");
            assertNull(job.temporalCounts(), "no temporal mode");
        }
        assertEquals(8, TestMedia.probe(out).frames());
        assertEquals(5.0, TestMedia.probe(out).frameRate(), 0.01);
    }

    @Test
    void stopBeforeRunningKeepsAnEmptyButCommittedOutput() throws Exception {
        Path out = tmp.resolve("stopped.mp4");
        try (IdentityOperator operator = new IdentityOperator(1);
             DerainJob job = DerainJob.open(JobSettings.builder(TestMedia.shortClip().toString(), out.toString()).build())) {
            job.stop(); // before the pipeline exists: taken up when it is built
            job.attach(operator);
            JobReport report = job.run(ProgressListener.NONE);
            assertTrue(report.stopped());
            assertTrue(report.frames() < 38, report.frames() + " frames");
        }
    }

    @Test
    void refusesWhatTheOperatorCannotDoAndLeavesNothingBehind() throws Exception {
        Path out = tmp.resolve("maps.mp4");
        JobSettings maps = JobSettings.builder(TestMedia.shortClip().toString(), out.toString())
                .attention(tmp.resolve("maps")).temporal(TemporalSettings.defaults()).build();
        try (IdentityOperator operator = new IdentityOperator(1)) {
            assertThrows(SettingsException.class, () -> DerainJob.open(maps, operator));
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no output, no maps, no partial file");
        }
    }

    @Test
    void checksTheOutputBeforeOpeningTheInput() throws Exception {
        Path out = Files.writeString(tmp.resolve("exists.mp4"), "x");
        JobSettings settings = JobSettings.builder(TestMedia.shortClip().toString(), out.toString()).build();
        InputException e = assertThrows(InputException.class, () -> DerainJob.open(settings));
        assertTrue(e.getMessage().contains("exists.mp4"), e.getMessage());
        assertTrue(JobSettings.builder(TestMedia.shortClip().toString(), out.toString()).overwrite(true).build().overwrite());
    }

    @Test
    void theCallersThreadFactoryMakesTheStageThreads() throws Exception {
        java.util.List<String> made = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.ThreadFactory factory = stage -> {
            Thread t = new Thread(stage, "svc-" + made.size());
            made.add(t.getName());
            return t;
        };
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        JobSettings settings = JobSettings.builder(TestMedia.shortClip().toString(), tmp.resolve("t.mp4").toString())
                .frameRate(5).threadFactory(factory).build();
        try (IdentityOperator operator = new IdentityOperator(1);
             DerainJob job = DerainJob.open(settings, operator)) {
            job.run(new ProgressListener() {
                @Override
                public void progressed(long framesDone) { seen.add(Thread.currentThread().getName()); }
            });
        }
        assertEquals(java.util.List.of("svc-0", "svc-1"), made, "decode and encode threads, from the caller's factory");
        assertTrue(seen.stream().anyMatch(n -> n.startsWith("svc-") && n.endsWith("derain-encode")), seen.toString());
    }

    @Test
    void schemesWithoutAConnectorAreRefused() {
        assertThrows(SettingsException.class, () -> JobSettings.builder("kafka://127.0.0.1:9092/frames", "out.mp4").build());
        assertThrows(SettingsException.class, () -> JobSettings.builder("in.mp4", "kafka://127.0.0.1:9092/frames").build());
        assertThrows(SettingsException.class, () -> JobSettings.builder("in.mp4", "out.mp4").frameRate(-1).build());
    }
}
