package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleCallable;
import io.derain.models.weights.pickle.PickleException;
import io.derain.models.weights.pickle.PickleGlobals;
import io.derain.models.weights.pickle.PickleTuple;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python globals a PyTorch state dict may name, each mapped to a data-only Java equivalent.
 * Anything else (a model class, os.system, ...) is refused: a weights file never gets to run code.
 */
final class TorchPickleWhitelist implements PickleGlobals {

    @Override
    public Object resolve(String module, String name) {
        PickleCallable callable = switch (module + "." + name) {
            case "collections.OrderedDict" -> TorchPickleWhitelist::orderedDict;
            case "builtins.set", "__builtin__.set", "builtins.frozenset", "__builtin__.frozenset" -> TorchPickleWhitelist::set;
            case "_codecs.encode" -> TorchPickleWhitelist::latin1Bytes;
            case "torch.Size" -> args -> args.size() == 0 ? PickleTuple.of() : new PickleTuple(asList(args.get(0), "torch.Size"));
            case "torch._utils._rebuild_tensor" -> args -> rebuildTensor(args, 4, 4);
            case "torch._utils._rebuild_tensor_v2" -> args -> rebuildTensor(args, 6, 7);
            // A Parameter's extra arguments (requires_grad, hooks, state) do not matter for inference weights.
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> args -> arg(args, 0);
            default -> null;
        };
        if (callable != null) return callable;
        if (module.equals("torch") || module.equals("torch.cuda")) {
            // Storage classes only appear inside persistent ids, as the element type; cuda ones load to the CPU.
            var type = ElementType.ofStorageClass(name);
            if (type.isPresent()) return type.get();
        }
        throw new PickleException("refusing to load Python global " + module + "." + name
                + " (only tensors in a dict can be read; save the model's state_dict())");
    }

    private static Object orderedDict(PickleTuple args) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        if (args.size() > 0 && args.get(0) != null) {
            for (Object pair : asList(args.get(0), "OrderedDict")) {
                List<Object> kv = asList(pair, "OrderedDict item");
                if (kv.size() != 2) throw new PickleException("malformed OrderedDict item " + kv);
                dict.put(kv.get(0), kv.get(1));
            }
        }
        return dict;
    }

    private static Object set(PickleTuple args) {
        return args.size() == 0 ? new LinkedHashSet<>() : new LinkedHashSet<>(asList(args.get(0), "set"));
    }

    /** Protocol 2 pickles Python 3 bytes as _codecs.encode(text, 'latin1'). */
    private static Object latin1Bytes(PickleTuple args) {
        Object text = arg(args, 0);
        Object encoding = args.size() > 1 ? args.get(1) : "latin1";
        if (!(text instanceof String s) || !("latin1".equals(encoding) || "latin-1".equals(encoding))) {
            throw new PickleException("unsupported _codecs.encode arguments " + args);
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** _rebuild_tensor(storage, offset, size, stride) and _rebuild_tensor_v2(..., requires_grad, hooks[, metadata]). */
    private static TensorRef rebuildTensor(PickleTuple args, int minArgs, int maxArgs) {
        if (args.size() < minArgs || args.size() > maxArgs) {
            throw new PickleException("tensor rebuild expects " + minArgs + " to " + maxArgs + " arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof StorageSlice slice)) {
            throw new PickleException("tensor rebuild without a storage (got " + args.get(0) + ")");
        }
        long offset = nonNegative(args.get(1), "storage offset");
        long[] sizes = longs(args.get(2), "size");
        long[] strides = longs(args.get(3), "stride");
        if (sizes.length != strides.length) {
            throw new PickleException("tensor size " + args.get(2) + " and stride " + args.get(3) + " differ in length");
        }
        return new TensorRef(slice.storage(), Math.addExact(slice.offset(), offset), sizes, strides);
    }

    private static long[] longs(Object value, String what) {
        List<Object> items = asList(value, what);
        long[] result = new long[items.size()];
        for (int i = 0; i < result.length; i++) result[i] = nonNegative(items.get(i), what);
        return result;
    }

    static long nonNegative(Object value, String what) {
        if (value instanceof Long l && l >= 0) return l;
        throw new PickleException("bad " + what + ": " + value);
    }

    private static Object arg(PickleTuple args, int index) {
        if (args.size() <= index) throw new PickleException("missing argument " + index + " in " + args);
        return args.get(index);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value, String what) {
        if (value instanceof PickleTuple tuple) return tuple.items();
        if (value instanceof List<?> list) return (List<Object>) list;
        if (value instanceof Set<?> set) return List.copyOf((Set<Object>) set);
        throw new PickleException("bad " + what + ": expected a sequence, got " + value);
    }
}
