package io.derain.operators.derain;

import java.util.Arrays;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.cuda.CUDAEvent;
import org.bytedeco.pytorch.cuda.CUDAStream;
import org.bytedeco.pytorch.cuda.CUDAStreamGuard;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * The CUDA side of the operator's batch ring: uploads run on a copy stream, the model on a compute stream
 * that waits for them through an event, and each slot's results come back to its pinned host buffers
 * asynchronously, signalled by another event. So the upload of one batch overlaps the compute of the one
 * before it, and the host thread is free while the GPU works.
 *
 * <p>Only constructed when the device is CUDA: its classes load the CUDA natives, which a CPU build lacks.
 * Each slot's device input tensor is allocated once and kept, because it is written on one stream and read
 * on another (a temporary freed there could be handed to the next upload while still being read).
 */
final class CudaStreams implements AutoCloseable {
    private final Device device;
    private final CUDAStream copy;
    private final CUDAStream compute;
    private final CUDAEvent[] uploaded;
    private final CUDAEvent[] done;
    private final Tensor[] inputs;
    private final long[][] shapes;

    CudaStreams(Device device, int slots) {
        this.device = device;
        this.copy = torch_cuda.getStreamFromPool();
        this.compute = torch_cuda.getStreamFromPool();
        this.uploaded = new CUDAEvent[slots];
        this.done = new CUDAEvent[slots];
        this.inputs = new Tensor[slots];
        this.shapes = new long[slots][];
        for (int i = 0; i < slots; i++) {
            uploaded[i] = new CUDAEvent();
            done[i] = new CUDAEvent();
        }
    }

    /**
     * Enqueues the copy of {@code host} (pinned, uint8 N×H×W×3) to the slot's device tensor on the copy
     * stream and makes the compute stream wait for it; returns the device tensor.
     */
    Tensor upload(int slot, Tensor host) {
        long[] shape = host.sizes().vec().get();
        if (!Arrays.equals(shape, shapes[slot])) {
            if (inputs[slot] != null) inputs[slot].close();
            inputs[slot] = torch.empty(shape, new TensorOptions(torch.ScalarType.Byte).device(new org.bytedeco.pytorch.DeviceOptional(device)),
                    new MemoryFormatOptional());
            shapes[slot] = shape;
        }
        try (CUDAStreamGuard guard = new CUDAStreamGuard(copy.unwrap())) {
            inputs[slot].copy_(host, true);
            uploaded[slot].record(copy);
        }
        uploaded[slot].block(compute);
        return inputs[slot];
    }

    /** Makes the compute stream current until the returned guard is closed: the model's work goes there. */
    CUDAStreamGuard onCompute() {
        return new CUDAStreamGuard(compute.unwrap());
    }

    /** Marks, on the compute stream, that the slot's results are (being) copied to its host buffers. */
    void finished(int slot) {
        done[slot].record(compute);
    }

    /** Blocks until the slot's results are in its host buffers. */
    void await(int slot) {
        done[slot].synchronize();
    }

    /** Waits for all enqueued work, then frees the device tensors, events and streams' handles. */
    @Override
    public void close() {
        compute.synchronize();
        copy.synchronize();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null) inputs[i].close();
            uploaded[i].close();
            done[i].close();
        }
        copy.close();
        compute.close();
    }
}
