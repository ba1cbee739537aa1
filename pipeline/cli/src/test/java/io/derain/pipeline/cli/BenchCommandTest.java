package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.weights.PythonFixtures;
import io.derain.pipeline.source.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code derain bench} on a few frames with a tiny generator: every figure is there and plausible. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonReportHasEveryMeasurement() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("small.mp4"), 8);
        Path weights = PythonFixtures.dir("tiny", "--recurrent", "4", "--widths", "8,16,32").resolve("gen_legacy_v2.pkl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = DerainCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("bench", clip.toString(), "--weights", weights.toString(),
                "--frames", "3", "--batch", "2", "--json");

        assertEquals(0, code, err.toString());
        String json = out.toString().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertEquals(3, (int) number(json, "frames"));
        for (String key : new String[] {"model_only_fps", "end_to_end_fps", "identity_fps",
                "end_to_end_over_model_only", "peak_rss_bytes"}) {
            assertTrue(number(json, key) > 0, key + " in " + json);
        }
        // The bundled ffmpeg needs libpulse0 on the machine; without it the report says so.
        assertTrue(json.contains("\"ffmpeg_error\":\"the bundled ffmpeg cannot run") || number(json, "ffmpeg_fps") > 0
                && number(json, "identity_over_ffmpeg") > 0, json);
        assertTrue(json.contains("\"rss_growth_after_warmup_bytes\":"), json);
        assertTrue(json.contains("\"stage\":\"infer\""), json);
        assertTrue(json.contains("libopenh264"), "ffmpeg command line: " + json);
    }

    /** The soak repeats the clip into a long one, streams it through the model and samples memory after the warm-up. */
    @Test
    void soakStreamsARepeatedClipAndSamplesMemory() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("small.mp4"), 8);
        Path weights = PythonFixtures.dir("tiny", "--recurrent", "4", "--widths", "8,16,32").resolve("gen_legacy_v2.pkl");
        CliRun run = CliRun.of("bench", clip.toString(), "--weights", weights.toString(), "--soak", "250", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String json = run.out().strip();
        assertEquals(250, (int) number(json, "frames"), "8 frames repeated to 250: " + json);
        assertEquals(100, (int) number(json, "warmup_frames"));
        Matcher samples = Pattern.compile("\\{\"frames\":\\d+,\"rss_bytes\":\\d+\\}").matcher(json);
        int count = 0;
        while (samples.find()) count++;
        assertEquals(2, count, "samples after 100 and 200 frames: " + json);
        assertTrue(json.contains("\"rss_growth_bytes\":"), json);
    }

    /** One serve with two cameras against two run processes: both derain every frame, side by side in one table. */
    @Test
    void serveAgainstSeparateRunsSideBySide() throws Exception {
        Path clip = TestMedia.smallClip(dir.resolve("small.mp4"), 8);
        CliRun run = CliRun.of("bench", clip.toString(), "--serve", "2");
        assertEquals(0, run.exitCode(), run.err() + run.out());
        String out = run.out();
        Matcher runs = Pattern.compile("2 × derain run\\s+16\\s+([0-9.]+)\\s+[0-9.]+\\s+(\\d+)\\n").matcher(out);
        Matcher serve = Pattern.compile("1 × derain serve \\(2 cameras\\)\\s+16\\s+([0-9.]+)\\s+[0-9.]+\\s+(\\d+)\\n").matcher(out);
        assertTrue(runs.find() && serve.find(), "both ways derained all 16 frames:\n" + out);
        assertTrue(Double.parseDouble(runs.group(1)) > 0 && Double.parseDouble(serve.group(1)) > 0, out);
        assertTrue(Long.parseLong(runs.group(2)) > 200 && Long.parseLong(serve.group(2)) > 100, "peak RSS of JVMs with libtorch: " + out);
        assertTrue(out.contains("serve / runs: throughput "), out);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
