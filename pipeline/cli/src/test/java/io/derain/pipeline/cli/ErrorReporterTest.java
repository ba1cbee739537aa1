package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.SettingsException;
import io.derain.models.restore.ModelLoadException;
import io.derain.models.weights.WeightsException;
import io.derain.pipeline.InputException;
import io.derain.pipeline.kafka.worker.FrameWorker;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.source.SourceStopped;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI decides exit codes by the published kinds of the library's exceptions, and only by them. */
class ErrorReporterTest {
    @CommandLine.Command(name = "test")
    static final class Cmd {}

    @Test
    void eachPublishedClassExitsByItsKind() {
        assertEquals(2, ErrorReporter.exitCode(new SettingsException("tile 8 is smaller than its overlap 16")));
        assertEquals(2, ErrorReporter.exitCode(new WeightsException("gen.pkl: corrupt")));
        assertEquals(2, ErrorReporter.exitCode(new ModelLoadException("model.pt: not TorchScript")));
        assertEquals(2, ErrorReporter.exitCode(new InputException("in.mp4: not found")));
        assertEquals(2, ErrorReporter.exitCode(new FrameRejectedException("frames@3: not a JPEG")));
        assertEquals(143, ErrorReporter.exitCode(new SourceStopped("rtsp://cam: stopped before the camera answered")));
        assertEquals(1, ErrorReporter.exitCode(new FrameWorker.WorkerException("out: fenced", null)));
    }

    @Test
    void aPlainIllegalArgumentIsABugNotBadInput() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Cmd());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, ErrorReporter.report(new IllegalArgumentException("an empty batch"), cli));
        assertTrue(err.toString().startsWith("derain: failed: an empty batch"), err.toString());
    }
}
