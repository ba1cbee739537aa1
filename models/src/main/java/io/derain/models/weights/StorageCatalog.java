package io.derain.models.weights;

import io.derain.models.weights.pickle.PersistentLoader;
import io.derain.models.weights.pickle.PickleException;
import io.derain.models.weights.pickle.PickleTuple;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves torch.save's storage persistent ids and remembers every storage they name, so the reader
 * knows which data to fetch afterwards. Ids are ('storage', type, key, location, numel) in the zip
 * format and ('storage', type, key, location, numel, view_metadata) in the legacy one, where
 * view_metadata is None or (view_key, offset, view_numel). The location is ignored: all loads go to the CPU.
 */
final class StorageCatalog implements PersistentLoader {
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    @Override
    public Object load(Object persistentId) {
        if (!(persistentId instanceof PickleTuple id) || id.size() < 5 || id.size() > 6 || !"storage".equals(id.get(0))) {
            throw new PickleException("unsupported persistent id " + persistentId);
        }
        if (!(id.get(1) instanceof ElementType type)) {
            throw new PickleException("unsupported storage type in " + persistentId);
        }
        String key = String.valueOf(id.get(2));
        long numel = TorchPickleWhitelist.nonNegative(id.get(4), "storage size");
        StorageRef storage = storages.computeIfAbsent(key, k -> new StorageRef(k, type, numel));
        if (storage.type() != type || storage.numel() != numel) {
            throw new PickleException("storage " + key + " is described twice, differently");
        }
        Object view = id.size() == 6 ? id.get(5) : null;
        if (view == null) return new StorageSlice(storage, 0);
        if (!(view instanceof PickleTuple v) || v.size() != 3) throw new PickleException("bad storage view " + view);
        long offset = TorchPickleWhitelist.nonNegative(v.get(1), "storage view offset");
        long viewSize = TorchPickleWhitelist.nonNegative(v.get(2), "storage view size");
        if (Math.addExact(offset, viewSize) > numel) {
            throw new PickleException("storage view " + v.get(0) + " reaches past storage " + key);
        }
        return new StorageSlice(storage, offset);
    }

    StorageRef get(String key) {
        return storages.get(key);
    }

    Collection<StorageRef> storages() {
        return storages.values();
    }
}
