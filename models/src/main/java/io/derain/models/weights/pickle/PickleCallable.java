package io.derain.models.weights.pickle;

/** A whitelisted Python callable (class or function) that REDUCE / NEWOBJ may apply to its arguments. */
@FunctionalInterface
public interface PickleCallable {
    Object call(PickleTuple args);
}
