package io.derain.models.weights;

import io.derain.models.weights.pickle.PickleException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * This project's checkpoint file: metadata plus named tensors of any {@link ElementType}, so it holds
 * model weights and training state (optimizer moments, step counters) alike. All numbers little-endian:
 * <pre>
 *   "DERAINCK"                      8 ASCII bytes
 *   u32 format version              {@value #VERSION}
 *   u32 n, n × (string key, string value)                        metadata
 *   u32 m, m × (string name, u8 type code, u8 rank, rank × i64 size, raw elements, C order)
 *   u32 CRC-32 of every byte before it
 * </pre>
 * where a string is a u32 byte count and UTF-8. Tensor types keep their dtype when read back.
 * Writes go to a temporary file in the same folder that is then renamed over the target, so a crash
 * mid-write never leaves a half-written checkpoint under the real name.
 */
public final class DerainCheckpoint {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "DERAINCK".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RANK = 16;

    private DerainCheckpoint() {}

    static boolean matches(byte[] head) {
        if (head.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) return false;
        }
        return true;
    }

    /**
     * Writes {@code tensors} (any device, any layout; copied to the CPU as needed) in order with
     * {@code metadata}, atomically replacing {@code file}.
     */
    public static void write(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + WeightsException.displayName(file) + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                Sink out = new Sink(channel);
                out.put(ByteBuffer.wrap(MAGIC));
                out.putInt(VERSION);
                out.putInt(metadata.size());
                for (Map.Entry<String, String> entry : metadata.entrySet()) {
                    out.putString(entry.getKey());
                    out.putString(entry.getValue());
                }
                out.putInt(tensors.size());
                for (Map.Entry<String, Tensor> entry : tensors.entrySet()) writeTensor(out, file, entry.getKey(), entry.getValue());
                out.putChecksum();
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw WeightsException.of(file, "cannot write checkpoint (" + e + ")");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one worth reporting
                }
            }
        }
    }

    private static void writeTensor(Sink out, Path file, String name, Tensor tensor) throws IOException {
        ElementType type = ElementType.of(tensor.scalar_type())
                .orElseThrow(() -> WeightsException.of(file, "tensor " + name + " has unsupported type " + tensor.scalar_type()));
        long[] sizes = TensorShape.of(tensor);
        out.putString(name);
        out.putByte(type.code());
        out.putByte(sizes.length);
        for (long size : sizes) out.putLong(size);
        if (tensor.numel() == 0) return;
        try (Tensor cpu = tensor.is_cpu() ? new Tensor(tensor) : tensor.cpu();
             Tensor dense = cpu.contiguous();
             BytePointer memory = new BytePointer(dense.data_ptr()).capacity(dense.nbytes())) {
            out.put(memory.asByteBuffer());
        }
    }

    static StateDict read(Path file) throws IOException {
        ByteBuffer in;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) throw new PickleException("files over 2 GiB are not supported");
            in = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
        String source = WeightsException.displayName(file);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != VERSION) {
            throw new PickleException("checkpoint format version " + version + " is not supported (this reader knows " + VERSION + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorRef> entries = new LinkedHashMap<>();
        Map<String, ByteBuffer> data = new LinkedHashMap<>();
        try {
            for (long i = count(in, "metadata"); i > 0; i--) metadata.put(string(in), string(in));
            for (long i = count(in, "tensor"); i > 0; i--) readTensor(in, entries, data);
        } catch (BufferUnderflowException e) {
            throw new PickleException("truncated: the checkpoint ends at byte " + in.limit() + " inside its header");
        }
        if (in.remaining() < Integer.BYTES) throw new PickleException("truncated: the checksum is missing");
        int end = in.position();
        int stored = in.getInt();
        CRC32 crc = new CRC32();
        crc.update(in.duplicate().position(0).limit(end));
        if ((int) crc.getValue() != stored) throw new PickleException("corrupt: checksum mismatch");
        if (in.hasRemaining()) throw new PickleException("corrupt: " + in.remaining() + " bytes after the checksum");
        StateDict state = StateDict.materialize(source, entries, data, false);
        state.metadata().putAll(metadata);
        return state;
    }

    private static void readTensor(ByteBuffer in, Map<String, TensorRef> entries, Map<String, ByteBuffer> data) {
        String name = string(in);
        int code = in.get() & 0xff;
        ElementType type = ElementType.ofCode(code)
                .orElseThrow(() -> new PickleException("tensor " + name + " has unknown type code " + code));
        int rank = in.get() & 0xff;
        if (rank > MAX_RANK) throw new PickleException("tensor " + name + " has rank " + rank);
        long[] sizes = new long[rank];
        long[] strides = new long[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            sizes[d] = in.getLong();
            if (sizes[d] < 0) throw new PickleException("tensor " + name + " has a negative size");
            numel = Math.multiplyExact(numel, sizes[d]);
        }
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(1, sizes[d]);
        }
        StorageRef storage = new StorageRef(name, type, numel);
        long bytes = storage.byteCount();
        if (bytes > in.remaining()) {
            throw new PickleException("truncated: tensor " + name + " expects " + bytes + " bytes, only " + in.remaining() + " left");
        }
        if (entries.put(name, new TensorRef(storage, 0, sizes, strides)) != null) {
            throw new PickleException("tensor " + name + " appears twice");
        }
        data.put(name, in.slice(in.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN));
        in.position(in.position() + (int) bytes);
    }

    private static long count(ByteBuffer in, String what) {
        long count = in.getInt() & 0xffffffffL;
        if (count > in.remaining()) throw new PickleException("corrupt: " + count + " " + what + " entries");
        return count;
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) throw new BufferUnderflowException();
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Writes to a channel while keeping the running CRC-32 of everything written. */
    private static final class Sink {
        private final FileChannel channel;
        private final CRC32 crc = new CRC32();
        private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);

        Sink(FileChannel channel) {
            this.channel = channel;
        }

        void put(ByteBuffer bytes) throws IOException {
            crc.update(bytes.duplicate());
            while (bytes.hasRemaining()) channel.write(bytes);
        }

        void putByte(int value) throws IOException {
            put(scratch.clear().put((byte) value).flip());
        }

        void putInt(int value) throws IOException {
            put(scratch.clear().putInt(value).flip());
        }

        void putLong(long value) throws IOException {
            put(scratch.clear().putLong(value).flip());
        }

        void putString(String value) throws IOException {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            putInt(bytes.length);
            put(ByteBuffer.wrap(bytes));
        }

        void putChecksum() throws IOException {
            int value = (int) crc.getValue();
            scratch.clear().putInt(value).flip();
            while (scratch.hasRemaining()) channel.write(scratch);
        }
    }
}
