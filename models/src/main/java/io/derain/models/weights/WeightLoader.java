package io.derain.models.weights;

import io.derain.models.runtime.Natives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Copies a state dict into a module's parameters and buffers, all or nothing: every check (names and
 * shapes of every parameter and buffer) passes before the first copy, so a failure never leaves a
 * half-loaded model behind.
 */
public final class WeightLoader {
    private static final int NAMES_SHOWN = 5;

    private WeightLoader() {}

    /** Reads {@code file} (any {@link WeightFormat}) and loads it into {@code module}. */
    public static void load(Module module, Path file) {
        try (StateDict weights = StateDict.read(file)) {
            load(module, weights);
        }
    }

    /** @throws WeightsException (message: one line, naming the state dict's source) if the weights do not fit */
    public static void load(Module module, StateDict weights) {
        Natives.ensureLoaded();
        Map<String, Tensor> targets = new LinkedHashMap<>();
        try {
            ModuleTensors.forEach(module, targets::put);
            check(targets, weights);
            try (NoGradGuard noGrad = new NoGradGuard()) {
                targets.forEach((name, target) -> target.copy_(weights.get(name)).close());
            }
        } finally {
            targets.values().forEach(Tensor::close);
        }
    }

    /** The checks of {@link #load(Module, StateDict)} without copying anything. */
    public static void check(Module module, StateDict weights) {
        Natives.ensureLoaded();
        Map<String, Tensor> targets = new LinkedHashMap<>();
        try {
            ModuleTensors.forEach(module, targets::put);
            check(targets, weights);
        } finally {
            targets.values().forEach(Tensor::close);
        }
    }

    private static void check(Map<String, Tensor> targets, StateDict weights) {
        List<String> missing = targets.keySet().stream().filter(n -> !weights.contains(n)).toList();
        List<String> unexpected = weights.tensors().keySet().stream().filter(n -> !targets.containsKey(n)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) problems.add(missing.size() + " missing (" + names(missing) + ")");
            if (!unexpected.isEmpty()) problems.add(unexpected.size() + " unexpected (" + names(unexpected) + ")");
            throw new WeightsException(weights.source() + ": tensors do not match the model: " + String.join("; ", problems));
        }
        List<String> mismatches = new ArrayList<>();
        targets.forEach((name, target) -> {
            long[] expected = TensorShape.of(target);
            long[] actual = TensorShape.of(weights.get(name));
            if (!Arrays.equals(expected, actual)) {
                mismatches.add("tensor " + name + " has shape " + Arrays.toString(actual)
                        + ", the model expects " + Arrays.toString(expected));
            }
        });
        if (!mismatches.isEmpty()) {
            String more = mismatches.size() > 1 ? " (and " + (mismatches.size() - 1) + " more shape mismatches)" : "";
            throw new WeightsException(weights.source() + ": " + mismatches.get(0) + more);
        }
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() > NAMES_SHOWN ? shown + ", ... " + (names.size() - NAMES_SHOWN) + " more" : shown;
    }
}
