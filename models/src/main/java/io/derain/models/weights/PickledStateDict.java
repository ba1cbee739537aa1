package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Finds the name → tensor entries in an unpickled torch.save object. */
final class PickledStateDict {
    private PickledStateDict() {}

    /**
     * The entries of a state dict (OrderedDict or dict), or of the "state_dict" entry of a training
     * checkpoint dict such as {"epoch": 3, "state_dict": {...}}.
     */
    static Map<String, TensorRef> entries(Object root) {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new PickleException("holds " + describe(root) + ", not a state dict");
        }
        if (!dict.isEmpty() && dict.values().stream().noneMatch(v -> v instanceof TensorRef)
                && dict.get("state_dict") instanceof Map<?, ?> nested) {
            dict = nested;
        }
        Map<String, TensorRef> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new PickleException("state dict key " + entry.getKey() + " is not a string");
            }
            if (!(entry.getValue() instanceof TensorRef tensor)) {
                throw new PickleException("state dict entry " + name + " is " + describe(entry.getValue()) + ", not a tensor");
            }
            entries.put(name, tensor);
        }
        return entries;
    }

    private static String describe(Object value) {
        if (value == null) return "None";
        if (value instanceof Map) return "a dict";
        return "a " + value.getClass().getSimpleName();
    }
}
