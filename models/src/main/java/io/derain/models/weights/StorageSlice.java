package io.derain.models.weights;

/**
 * What a storage persistent id stands for: a storage from an element offset on. The offset is
 * non-zero only for the storage views of the legacy format (view_metadata).
 */
record StorageSlice(StorageRef storage, long offset) {}
