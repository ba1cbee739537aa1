package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.restore.ModelCatalog;
import io.derain.pipeline.source.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command: the shipped sample clip through the default bundled model, no options. */
class BundledModelTest {

    @Test
    void theReadmesMainCommandDerainsTheSampleClip(@TempDir Path dir) throws Exception {
        assertTrue(ModelCatalog.hasBundled(ModelCatalog.DEFAULT), "the default model's weights ship with the build");
        Path sample = TestMedia.sampleClip();
        Path out = dir.resolve("derained.mp4");
        StringWriter err = new StringWriter();
        var cli = DerainCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("run", sample.toString(), "-o", out.toString(), "-q"), err.toString());
        TestMedia.Probe in = TestMedia.probe(sample), o = TestMedia.probe(out);
        assertEquals(in.frames(), o.frames());
        assertEquals(640, o.width());
        assertEquals(360, o.height());
        assertEquals(in.timestamps(), o.timestamps());
        assertTrue(TestMedia.meanAbsDiff(sample, out) > 0.5, "the model changed nothing");
    }
}
