package io.derain.models.weights;

import java.util.Optional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Element types a weights file may store, with their size, torch scalar type, PyTorch storage class
 * name (torch.FloatStorage, ...) and the code the derain checkpoint format stores (never renumber).
 */
public enum ElementType {
    FLOAT32("Float", 4, ScalarType.Float, 1),
    FLOAT64("Double", 8, ScalarType.Double, 2),
    FLOAT16("Half", 2, ScalarType.Half, 3),
    BFLOAT16("BFloat16", 2, ScalarType.BFloat16, 4),
    INT64("Long", 8, ScalarType.Long, 5),
    INT32("Int", 4, ScalarType.Int, 6),
    INT16("Short", 2, ScalarType.Short, 7),
    INT8("Char", 1, ScalarType.Char, 8),
    UINT8("Byte", 1, ScalarType.Byte, 9),
    BOOL("Bool", 1, ScalarType.Bool, 10);

    private final String torchName;
    private final int size;
    private final ScalarType scalarType;
    private final int code;

    ElementType(String torchName, int size, ScalarType scalarType, int code) {
        this.torchName = torchName;
        this.size = size;
        this.scalarType = scalarType;
        this.code = code;
    }

    public int size() {
        return size;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    public int code() {
        return code;
    }

    public boolean floating() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    /** The type of a PyTorch storage class such as {@code FloatStorage} (torch.* or torch.cuda.*). */
    public static Optional<ElementType> ofStorageClass(String className) {
        for (ElementType type : values()) {
            if (className.equals(type.torchName + "Storage")) return Optional.of(type);
        }
        return Optional.empty();
    }

    public static Optional<ElementType> ofCode(int code) {
        for (ElementType type : values()) {
            if (type.code == code) return Optional.of(type);
        }
        return Optional.empty();
    }

    /** Compares by value: JavaCPP returns fresh enum objects from native calls, so == would fail. */
    public static Optional<ElementType> of(ScalarType scalarType) {
        for (ElementType type : values()) {
            if (type.scalarType.value == scalarType.value) return Optional.of(type);
        }
        return Optional.empty();
    }
}
