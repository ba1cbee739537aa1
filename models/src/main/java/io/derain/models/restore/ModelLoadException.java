package io.derain.models.restore;

/** A model or weights file that cannot be used; the message is one line naming the file and the problem. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) { super(message); }
    public ModelLoadException(String message, Throwable cause) { super(message, cause); }
}
