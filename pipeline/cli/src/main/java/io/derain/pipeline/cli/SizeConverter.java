package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.pipeline.job.Quantities;
import picocli.CommandLine;

/** Byte sizes on the command line as {@link Quantities#bytes} reads them: {@code 500MiB}, {@code 50GiB}, {@code 2GB}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Quantities.bytes(value);
        } catch (SettingsException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
