package io.derain.models.restore;

import io.derain.models.DerainException;

/** A model or weights file that cannot be used; the message is one line naming the file and the problem. Bad input. */
public class ModelLoadException extends DerainException {
    public ModelLoadException(String message) { super(Kind.BAD_INPUT, message); }
    public ModelLoadException(String message, Throwable cause) { super(Kind.BAD_INPUT, message, cause); }
}
