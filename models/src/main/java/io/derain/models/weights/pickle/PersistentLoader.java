package io.derain.models.weights.pickle;

/** Turns a persistent id (BINPERSID / PERSID) into the object it stands for, e.g. a tensor storage. */
@FunctionalInterface
public interface PersistentLoader {
    Object load(Object persistentId);
}
