package io.derain.models.weights.pickle;

/** A pickle stream that is malformed, truncated, or asks for something this reader refuses to do. */
public class PickleException extends RuntimeException {
    public PickleException(String message) {
        super(message);
    }
}
