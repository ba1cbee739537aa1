package io.derain.models.weights.pickle;

/**
 * Decides what a GLOBAL / STACK_GLOBAL reference may become. This is the only way a pickle can name
 * code, so an implementation is a whitelist: anything it does not know must be refused with a
 * {@link PickleException}.
 */
@FunctionalInterface
public interface PickleGlobals {
    /** A {@link PickleCallable}, or a plain value standing for the global (e.g. a storage type). */
    Object resolve(String module, String name);
}
