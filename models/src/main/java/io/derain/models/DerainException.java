package io.derain.models;

/**
 * The one base of the exceptions derain's library throws on purpose, each of a published {@link Kind}, so that a
 * caller (the CLI, an embedding service) decides by kind, not by class: bad input is the user's to fix, a rejected
 * frame is skipped, a stop is not a failure, a fatal failure ends the job. Any other exception is a bug.
 *
 * <p>The published classes: {@link SettingsException}, {@code WeightsException}, {@code ModelLoadException}
 * ({@link Kind#BAD_INPUT}, models); {@code InputException} ({@link Kind#BAD_INPUT}), {@code FrameRejectedException}
 * ({@link Kind#REJECTED_FRAME}), {@code SourceStopped} ({@link Kind#STOPPED}) (runtime); {@code WorkerException}
 * ({@link Kind#FATAL}, kafka). Unchecked: where a method can fail by kind, its documentation says which.
 */
public class DerainException extends RuntimeException {
    /** What a caller does about it. */
    public enum Kind {
        /** The user's input or settings are at fault (a file, URL, record stream, weights, a value out of range); CLI exit 2. */
        BAD_INPUT,
        /** One frame or record cannot be taken; a job skips it and counts it (CLI exit 2 when it ends a job). */
        REJECTED_FRAME,
        /** The job was asked to stop (a signal, {@code stop()}) before it had anything to do; not a failure. */
        STOPPED,
        /** The job cannot go on (a fenced worker, a broker that refuses, a failed operator); CLI exit 1. */
        FATAL
    }

    private final Kind kind;

    public DerainException(Kind kind, String message) {
        this(kind, message, null);
    }

    public DerainException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
