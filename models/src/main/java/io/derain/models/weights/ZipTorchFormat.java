package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleException;
import io.derain.models.weights.pickle.Unpickler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the zip torch.save format (PyTorch 1.6+): {@code <top>/data.pkl} is the state dict with
 * storages as persistent ids ('storage', type, key, location, numel), each storage's raw
 * little-endian bytes are in {@code <top>/data/<key>}. The top folder's name varies. TorchScript
 * archives have the same layout plus code and constants, and are told apart.
 */
final class ZipTorchFormat {
    /** data.pkl only names tensors; far beyond any real state dict's, this bound stops inflation attacks. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    private ZipTorchFormat() {}

    static boolean matches(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    static StateDict read(Path file) throws IOException {
        String fileName = WeightsException.displayName(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            if (names.stream().anyMatch(n -> n.matches("[^/]+/(constants\\.pkl|code/.*)"))) {
                throw new WeightsException(fileName + " is a TorchScript model, not a weights file (load it as a TorchScript model)");
            }
            String top = names.stream().filter(n -> n.matches("[^/]+/data\\.pkl")).findFirst()
                    .map(n -> n.substring(0, n.length() - "data.pkl".length()))
                    .orElseThrow(() -> WeightsException.of(file, WeightFormat.NOT_A_STATE_DICT + " (a zip archive without data.pkl)"));
            ZipEntry byteOrder = zip.getEntry(top + "byteorder");
            if (byteOrder != null && !"little".equals(new String(bytes(zip, byteOrder, 16), StandardCharsets.US_ASCII).trim())) {
                throw new PickleException("big-endian weights files are not supported");
            }
            StorageCatalog catalog = new StorageCatalog();
            ByteBuffer pickle = ByteBuffer.wrap(bytes(zip, zip.getEntry(top + "data.pkl"), MAX_PICKLE_BYTES));
            Map<String, TensorRef> entries = PickledStateDict.entries(
                    new Unpickler(pickle, new TorchPickleWhitelist(), catalog).load());
            Map<String, ByteBuffer> data = new HashMap<>();
            for (StorageRef storage : catalog.storages()) {
                ZipEntry entry = zip.getEntry(top + "data/" + storage.key());
                if (entry == null) throw new PickleException("storage " + storage.key() + " is missing from the archive");
                byte[] bytes = bytes(zip, entry, storage.byteCount()); // never more: a crafted entry could inflate hugely
                if (bytes.length < storage.byteCount()) {
                    throw new PickleException("truncated: storage " + storage.key() + " expects " + storage.byteCount()
                            + " bytes, the archive has " + bytes.length);
                }
                data.put(storage.key(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
            }
            return StateDict.materialize(fileName, entries, data);
        } catch (ZipException | java.io.EOFException e) {
            throw WeightsException.of(file, "truncated or corrupt zip archive (" + e.getMessage() + ")");
        }
    }

    private static byte[] bytes(ZipFile zip, ZipEntry entry, long limit) throws IOException {
        if (limit > Integer.MAX_VALUE - 8) throw new PickleException("storages over 2 GiB are not supported");
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readNBytes((int) limit);
        }
    }
}
