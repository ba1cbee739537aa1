package io.derain.models;

/**
 * A setting's value is malformed or out of range: a precision that does not exist, a tile smaller than its
 * overlap, a negative timeout. Settings classes throw it from their constructors and parsers; a caller that
 * took the value from a user (the CLI) reports it as bad input (exit 2) and names its own flag. An
 * {@link IllegalArgumentException} is a programming error. Kind {@link Kind#BAD_INPUT}.
 */
public class SettingsException extends DerainException {
    public SettingsException(String message) { super(Kind.BAD_INPUT, message); }
    public SettingsException(String message, Throwable cause) { super(Kind.BAD_INPUT, message, cause); }
}
