package io.derain.models.weights;

import io.derain.models.runtime.Natives;
import io.derain.models.weights.pickle.PickleException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Named tensors in order, plus a string metadata map: what a weights file or checkpoint holds.
 *
 * <p>Tensors read from PyTorch files are contiguous CPU tensors, floating ones as float32; those read
 * from a {@link DerainCheckpoint} keep their stored type. The state dict owns its tensor handles and
 * closes them in {@link #close()} (a handle shares its tensor's memory; closing it never frees memory
 * another handle still uses).
 */
public final class StateDict implements AutoCloseable {
    private static final String DATA_PARALLEL_PREFIX = "module.";

    private final String source;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty state dict; {@code source} names it in error messages (a file name, "model", ...). */
    public StateDict(String source) {
        this.source = source;
    }

    /**
     * Reads a legacy or zip torch.save state dict or a derain checkpoint, whichever the file is.
     * Names saved from a DataParallel model lose their "module." prefix.
     *
     * @throws WeightsException with a one-line message naming the file if it cannot be read
     */
    public static StateDict read(Path file) {
        Natives.ensureLoaded();
        WeightFormat format = WeightFormat.detect(file);
        StateDict state;
        try {
            state = switch (format) {
                case LEGACY_TORCH -> LegacyTorchFormat.read(file);
                case ZIP_ARCHIVE -> ZipTorchFormat.read(file);
                case DERAIN_CHECKPOINT -> DerainCheckpoint.read(file);
            };
        } catch (PickleException e) {
            throw WeightsException.of(file, e.getMessage());
        } catch (ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw WeightsException.of(file, "corrupt (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw WeightsException.of(file, "cannot read (" + e + ")");
        }
        state.stripDataParallelPrefix();
        return state;
    }

    /** The module's parameters then buffers, as handles sharing their memory (later updates show through). */
    public static StateDict of(Module module, String source) {
        Natives.ensureLoaded();
        StateDict state = new StateDict(source);
        ModuleTensors.forEach(module, state::put);
        return state;
    }

    /** Writes this state dict and its metadata as a {@link DerainCheckpoint}, atomically. */
    public void write(Path file) {
        DerainCheckpoint.write(file, metadata, tensors);
    }

    public String source() {
        return source;
    }

    /** Live, modifiable metadata (written to and read from derain checkpoints; empty for PyTorch files). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Read-only view in order. */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public Tensor get(String name) {
        return tensors.get(name);
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public int size() {
        return tensors.size();
    }

    /** Adds or replaces a tensor; the state dict takes over the handle (and closes a replaced one). */
    public void put(String name, Tensor tensor) {
        Tensor old = tensors.put(name, tensor);
        if (old != null && old != tensor) old.close();
    }

    /** Drops and closes a tensor, e.g. to split optimizer state (by prefix) from weights. */
    public void remove(String name) {
        Tensor old = tensors.remove(name);
        if (old != null) old.close();
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }

    @Override
    public String toString() {
        return "StateDict[" + source + ", " + tensors.size() + " tensors]";
    }

    private void stripDataParallelPrefix() {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(n -> n.startsWith(DATA_PARALLEL_PREFIX))) return;
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> renamed.put(name.substring(DATA_PARALLEL_PREFIX.length()), tensor));
        tensors.clear();
        tensors.putAll(renamed);
    }

    static StateDict materialize(String source, Map<String, TensorRef> entries, Map<String, ByteBuffer> data) {
        return materialize(source, entries, data, true);
    }

    /** Builds every tensor; on any failure closes those already built, so nothing leaks. */
    static StateDict materialize(String source, Map<String, TensorRef> entries, Map<String, ByteBuffer> data,
                                 boolean floatsAsFloat32) {
        StateDict state = new StateDict(source);
        try {
            entries.forEach((name, ref) -> state.put(name,
                    TensorMaterializer.materialize(name, ref, data.get(ref.storage().key()), floatsAsFloat32)));
            return state;
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
