package io.derain.models.weights;

import java.util.function.BiConsumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;

/** Enumerates a module's parameters and buffers by their dotted names, as state_dict() names them. */
public final class ModuleTensors {
    private ModuleTensors() {}

    /** Calls {@code action} with each parameter, then each buffer, as a new handle the receiver owns. */
    public static void forEach(Module module, BiConsumer<String, Tensor> action) {
        try (StringTensorDict parameters = module.named_parameters(true)) {
            forEach(parameters, action);
        }
        try (StringTensorDict buffers = module.named_buffers(true)) {
            forEach(buffers, action);
        }
    }

    private static void forEach(StringTensorDict dict, BiConsumer<String, Tensor> action) {
        for (long i = 0; i < dict.size(); i++) {
            try (StringTensorDictItem item = dict.get(i); BytePointer key = item.key(); Tensor value = item.value()) {
                // The item's tensor lives inside the dict; a copied handle outlives it.
                action.accept(key.getString(), new Tensor(value));
            }
        }
    }
}
