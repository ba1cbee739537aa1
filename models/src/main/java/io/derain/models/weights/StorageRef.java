package io.derain.models.weights;

/** A PyTorch storage named in a pickle: its key in the file, element type and element count. */
record StorageRef(String key, ElementType type, long numel) {
    long byteCount() {
        return Math.multiplyExact(numel, (long) type.size());
    }
}
