package io.derain.models.weights;

import java.nio.file.Path;

/** A weights file that cannot be read or does not fit the model; the message is one line naming the file. */
public class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
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
