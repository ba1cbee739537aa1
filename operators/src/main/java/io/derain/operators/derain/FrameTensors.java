package io.derain.operators.derain;

import io.derain.operators.frame.VideoFrame;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Moves pixels between frames and uint8 N×H×W×3 host tensors. The host tensors are kept and reused while
 * the batch shape stays the same; on CUDA they are pinned so that device copies can be asynchronous.
 * Owns its tensors: {@link #close()} frees them.
 */
final class FrameTensors implements AutoCloseable {
    private final boolean pinned;
    private Tensor input;
    private Tensor output;
    private Tensor attention;
    private long[] shape = new long[0];
    private ByteBuffer inputView;
    private ByteBuffer outputView;
    private ByteBuffer attentionView;

    FrameTensors(boolean pinned) {
        this.pinned = pinned;
    }

    /** Copies the frames' BGR pixels into the reused host input tensor (N×H×W×3, uint8). */
    Tensor upload(List<VideoFrame> frames) {
        VideoFrame first = frames.get(0);
        ensureShape(frames.size(), first.height(), first.width());
        int bytes = first.height() * first.stride();
        for (int i = 0; i < frames.size(); i++) {
            inputView.put(i * bytes, frames.get(i).pixels(), 0, bytes);
        }
        return input;
    }

    /** The reused host tensor the derained pixels are copied to (N×H×W×3, uint8). */
    Tensor outputBuffer() {
        return output;
    }

    /** The reused host tensor the attention maps are copied to (N×H×W, uint8). */
    Tensor attentionBuffer() {
        return attention;
    }

    /**
     * Writes {@link #outputBuffer()} (and the attention maps if {@code withAttention}) back to the frames,
     * and each map's drop coverage at {@code dropByte} (map bytes at or above it are drops) into its metadata.
     */
    void download(List<VideoFrame> frames, boolean withAttention, int dropByte) {
        VideoFrame first = frames.get(0);
        int bytes = first.height() * first.stride();
        int mapBytes = first.height() * first.width();
        for (int i = 0; i < frames.size(); i++) {
            VideoFrame f = frames.get(i);
            f.pixels().put(0, outputView, i * bytes, bytes);
            if (withAttention) {
                java.nio.ByteBuffer map = f.attentionForWriting().put(0, attentionView, i * mapBytes, mapBytes);
                f.metadata().setDropCoverage(coverage(map, mapBytes, dropByte));
            } else {
                f.clearAttention();
                f.metadata().setDropCoverage(Double.NaN);
            }
        }
    }

    private static double coverage(java.nio.ByteBuffer map, int bytes, int dropByte) {
        int drops = 0;
        for (int i = 0; i < bytes; i++) if ((map.get(i) & 0xff) >= dropByte) drops++;
        return (double) drops / bytes;
    }

    /** A view of a host tensor's bytes, made once per shape so that copying frames allocates nothing. */
    private static ByteBuffer view(Tensor t) {
        BytePointer data = t.data_ptr_byte();
        return data.capacity(t.numel()).asByteBuffer();
    }

    private void ensureShape(int n, int h, int w) {
        long[] wanted = {n, h, w, 3};
        if (java.util.Arrays.equals(wanted, shape)) return;
        close();
        TensorOptions options = new TensorOptions(torch.ScalarType.Byte);
        if (pinned) options = options.pinned_memory(new BoolOptional(true));
        input = torch.empty(wanted, options, new MemoryFormatOptional());
        output = torch.empty(wanted, options, new MemoryFormatOptional());
        attention = torch.empty(new long[] {n, h, w}, options, new MemoryFormatOptional());
        inputView = view(input);
        outputView = view(output);
        attentionView = view(attention);
        shape = wanted;
    }

    @Override
    public void close() {
        if (input != null) {
            input.close();
            output.close();
            attention.close();
            input = output = attention = null;
            inputView = outputView = attentionView = null;
            shape = new long[0];
        }
    }
}
