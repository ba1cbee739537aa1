package io.derain.pipeline.cli;

import io.derain.models.restore.ModelCatalog;
import io.derain.models.restore.RestorationModel;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.pipeline.InputException;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.Pipeline;
import io.derain.pipeline.runtime.ProgressListener;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code derain run INPUT -o OUTPUT}: the main job. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Removes raindrops from a video file, an image, or a directory of images.",
                "Video is re-encoded as H.264 (audio kept); images keep their format. The output appears "
                        + "under its name only when complete."})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "A video file (mp4, mkv, mov, avi, ...), an image (jpg, png), or a directory of images.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT",
            description = "Output video file, image file, or directory (for a directory of images).")
    Path output;

    @Option(names = {"-y", "--overwrite"}, description = "Replace OUTPUT if it exists.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        try (FrameSource source = Sources.open(input)) {
            SourceInfo info = source.info();
            ComputeDevice device = compute.select();
            RestorationModel model = ModelCatalog.open(modelOptions.model, modelOptions.weights);
            try (DerainOperator operator = new DerainOperator(model, device, compute.settings())) {
                checkFrameSize(operator, info);
                if (!quiet) System.err.println("derain: " + operator.describe());
                try (FrameSink sink = Sinks.open(output, info, overwrite);
                     ConsoleProgress progress = new ConsoleProgress(System.err, !quiet && System.console() != null)) {
                    JobReport report = new Pipeline(source, operator, sink).run(quiet ? ProgressListener.NONE : progress);
                    System.err.printf("derain: wrote %s: %d frames in %.1f s (%.2f fps)%n",
                            output, report.frames(), report.seconds(), report.framesPerSecond());
                }
            }
        }
        return 0;
    }

    private void checkFrameSize(DerainOperator operator, SourceInfo info) {
        try {
            operator.checkFrameSize(info.width(), info.height());
        } catch (IllegalArgumentException e) {
            throw new InputException(input + ": " + e.getMessage());
        }
    }
}
