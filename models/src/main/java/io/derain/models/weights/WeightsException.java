package io.derain.models.weights;

import io.derain.models.DerainException;
import java.nio.file.Path;

/** A weights file that cannot be read or does not fit the model; the message is one line naming the file. Bad input. */
public class WeightsException extends DerainException {
    public WeightsException(String message) {
        super(Kind.BAD_INPUT, message);
    }

    public WeightsException(String message, Throwable cause) {
        super(Kind.BAD_INPUT, message, cause);
    }

    /** "{@code <file name>: <problem>}". */
    public static WeightsException of(Path file, String problem) {
        return new WeightsException(displayName(file) + ": " + problem);
    }

    static String displayName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
