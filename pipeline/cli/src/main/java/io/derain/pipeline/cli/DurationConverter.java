package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.pipeline.job.Quantities;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line as {@link Quantities#duration} reads them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Quantities.duration(value);
        } catch (SettingsException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
