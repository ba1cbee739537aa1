package io.derain.pipeline;

import io.derain.models.DerainException;

/**
 * Bad input from the user: a missing or unreadable file, a file that is not media, an unsupported codec,
 * weights that don't fit. The message is one line that names the file and the problem; the CLI prints it
 * without a stack trace and exits with code 2. Kind {@link Kind#BAD_INPUT}.
 */
public class InputException extends DerainException {
    public InputException(String message) { super(Kind.BAD_INPUT, message); }
    public InputException(String message, Throwable cause) { super(Kind.BAD_INPUT, message, cause); }
}
