package io.derain.samples;

import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.ComputeDevice;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.derain.DerainSettings;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.job.JobSettings;
import io.derain.pipeline.runtime.JobReport;
import io.derain.pipeline.runtime.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Embedding example: derains a video file (or an image, or a directory of images) with the bundled model,
 * through the library only: a {@link DerainJob} built from {@link JobSettings}, as {@code derain run} builds
 * its own.
 *
 * <pre>java -cp ... io.derain.samples.DerainClip INPUT OUTPUT</pre>
 * Replaces OUTPUT if it exists; the output appears only when complete.
 */
public final class DerainClip {
    private DerainClip() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: DerainClip INPUT OUTPUT");
            System.exit(2);
        }
        JobReport report = derain(Path.of(args[0]), Path.of(args[1]));
        System.out.printf(Locale.ROOT, "wrote %s: %d frames in %.1f s (%.2f fps)%n", args[1], report.frames(),
                report.seconds(), report.framesPerSecond());
    }

    /** Derains {@code input} into {@code output} with the bundled model; what the job did. */
    public static JobReport derain(Path input, Path output) throws IOException {
        JobSettings settings = JobSettings.builder(input.toString(), output.toString()).overwrite(true).build();
        // The job does not own the model: closing in reverse order closes the job first, then the model.
        try (DerainOperator model = openBundledModel();
             DerainJob job = DerainJob.open(settings, model)) {
            return job.run(ProgressListener.NONE);
        }
    }

    /**
     * The bundled {@code lite} model with default settings, on CUDA when there is one (what {@code derain run}
     * runs without model options). The caller closes it.
     */
    public static DerainOperator openBundledModel() {
        return new DerainOperator(ModelCatalog.open(ModelCatalog.DEFAULT, null), ComputeDevice.select(ComputeDevice.Kind.AUTO),
                DerainSettings.defaults());
    }
}
