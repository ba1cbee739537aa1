package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Turns a tensor description plus its storage's raw little-endian bytes into a contiguous CPU tensor
 * of its own (floating types as float32 if asked), honouring offset and strides. Bounds are checked here so a
 * corrupt file can never make libtorch read outside the copied bytes.
 */
final class TensorMaterializer {
    private TensorMaterializer() {}

    /** @param storageBytes the storage's bytes from element 0 on, at least {@code ref.storage().byteCount()} long */
    static Tensor materialize(String name, TensorRef ref, ByteBuffer storageBytes, boolean floatsAsFloat32) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("weights files are little-endian; this machine is not");
        }
        ElementType type = ref.storage().type();
        ScalarType target = floatsAsFloat32 && type.floating() ? ScalarType.Float : type.scalarType();
        long numel = ref.numel();
        if (numel == 0) return empty(ref.sizes(), target);
        long last = ref.lastIndex();
        if (last >= ref.storage().numel()) {
            throw new PickleException("tensor " + name + " " + ref.shape() + " reaches element " + last
                    + " of storage " + ref.storage().key() + ", which has " + ref.storage().numel());
        }
        int size = type.size();
        long count = last - ref.offset() + 1;
        ByteBuffer source = storageBytes.duplicate();
        source.limit(Math.toIntExact((last + 1) * size)).position(Math.toIntExact(ref.offset() * size));

        try (Tensor raw = empty(new long[] {count}, type.scalarType());
             BytePointer memory = new BytePointer(raw.data_ptr()).capacity(count * size)) {
            memory.asByteBuffer().put(source);
            try (Tensor view = raw.as_strided(ref.sizes(), ref.strides())) {
                if (target == type.scalarType()) return view.contiguous();
                try (Tensor converted = view.to(target)) { // keeps the strides, hence contiguous() after
                    return converted.contiguous();
                }
            }
        }
    }

    private static Tensor empty(long[] sizes, ScalarType type) {
        try (TensorOptions options = new TensorOptions(type); MemoryFormatOptional format = new MemoryFormatOptional()) {
            return torch.empty(sizes, options, format);
        }
    }
}
