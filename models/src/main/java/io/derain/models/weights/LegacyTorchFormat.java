package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleException;
import io.derain.models.weights.pickle.Unpickler;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the legacy (non-zip) torch.save format of PyTorch up to 1.5, that of the released gen.pkl:
 * pickles of the magic number, the protocol version 1001 and a sys-info dict, then the state dict
 * (storages as persistent ids), then the list of storage keys, then each storage in that order as an
 * 8-byte little-endian element count and its raw little-endian elements.
 */
final class LegacyTorchFormat {
    static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;
    /** How a pickled magic number starts: PROTO 2, LONG1 of 10 bytes, the number little-endian. */
    private static final byte[] HEAD = {(byte) 0x80, 2, (byte) 0x8a, 10,
        0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private LegacyTorchFormat() {}

    static boolean matches(byte[] head) {
        if (head.length < HEAD.length) return false;
        for (int i = 0; i < HEAD.length; i++) {
            if (head[i] != HEAD[i]) return false;
        }
        return true;
    }

    static StateDict read(Path file) throws IOException {
        ByteBuffer in = map(file);
        StorageCatalog catalog = new StorageCatalog();
        Unpickler unpickler = new Unpickler(in, new TorchPickleWhitelist(), catalog);
        if (!MAGIC_NUMBER.equals(unpickler.load())) throw new PickleException("bad magic number");
        Object protocol = unpickler.load();
        if (!Long.valueOf(PROTOCOL_VERSION).equals(protocol)) {
            throw new PickleException("unsupported legacy protocol version " + protocol);
        }
        if (unpickler.load() instanceof Map<?, ?> sysInfo && Boolean.FALSE.equals(sysInfo.get("little_endian"))) {
            throw new PickleException("big-endian weights files are not supported");
        }
        Map<String, TensorRef> entries = PickledStateDict.entries(unpickler.load());
        if (!(unpickler.load() instanceof List<?> keys)) throw new PickleException("storage key list missing");
        Map<String, ByteBuffer> data = readStorages(in, catalog, keys);
        return StateDict.materialize(WeightsException.displayName(file), entries, data);
    }

    private static Map<String, ByteBuffer> readStorages(ByteBuffer in, StorageCatalog catalog, List<?> keys) {
        Map<String, ByteBuffer> data = new HashMap<>();
        for (Object k : keys) {
            String key = String.valueOf(k);
            StorageRef storage = catalog.get(key);
            if (storage == null) throw new PickleException("storage " + key + " is listed but never used");
            if (in.remaining() < Long.BYTES) {
                throw new PickleException("truncated: storage " + key + " expects " + storage.byteCount()
                        + " bytes, the file ends before it");
            }
            long count = in.getLong();
            if (count != storage.numel()) {
                throw new PickleException("storage " + key + " holds " + count + " elements, the state dict says " + storage.numel());
            }
            long bytes = storage.byteCount();
            if (in.remaining() < bytes) {
                throw new PickleException("truncated: storage " + key + " expects " + bytes + " bytes, only " + in.remaining() + " left");
            }
            data.put(key, in.slice(in.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN));
            in.position(in.position() + (int) bytes);
        }
        for (StorageRef storage : catalog.storages()) {
            if (!data.containsKey(storage.key())) throw new PickleException("storage " + storage.key() + " has no data");
        }
        return data;
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) throw new PickleException("files over 2 GiB are not supported");
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
