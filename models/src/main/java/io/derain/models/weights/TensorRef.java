package io.derain.models.weights;

import java.util.Arrays;

/** A tensor as a pickle describes it: where its elements lie in a storage (offset and strides in elements). */
record TensorRef(StorageRef storage, long offset, long[] sizes, long[] strides) {
    long numel() {
        long n = 1;
        for (long size : sizes) n = Math.multiplyExact(n, size);
        return n;
    }

    /** Index of the last element this tensor reaches in its storage (meaningless when numel is 0). */
    long lastIndex() {
        long last = offset;
        for (int i = 0; i < sizes.length; i++) last = Math.addExact(last, Math.multiplyExact(sizes[i] - 1, strides[i]));
        return last;
    }

    String shape() {
        return Arrays.toString(sizes);
    }
}
