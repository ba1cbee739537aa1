package io.derain.pipeline;

/**
 * Bad input from the user: a missing or unreadable file, a file that is not media, an unsupported codec,
 * weights that don't fit. The message is one line that names the file and the problem; the CLI prints it
 * without a stack trace and exits with code 2.
 */
public class InputException extends RuntimeException {
    public InputException(String message) { super(message); }
    public InputException(String message, Throwable cause) { super(message, cause); }
}
