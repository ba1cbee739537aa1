package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.restore.RestorationModel;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Removes raindrops from frames with a restoration model (by default the attentive generator).
 *
 * <p>Per batch: BGR bytes → float [0, 1] (the released weights' convention), reflection-padded on the
 * right and bottom to the model's size multiple, inference, crop back to the frame (every input pixel
 * is kept), clamp, bytes. The final attention map is attached to each frame. Native memory of a batch is
 * released when the batch ends; host buffers are reused while the frame size stays the same.
 *
 * <p>Batches go through a ring of {@link DerainSettings#pipelineDepth} slots, each with its own host
 * buffers: {@link #submit} fills a slot and starts the work, {@link #complete} writes the oldest slot's
 * results back to its frames. On CUDA the buffers are pinned and the work is asynchronous
 * ({@link CudaStreams}), so one batch's copies overlap another's compute; on the CPU submit does the work.
 */
public final class DerainOperator implements FrameOperator {
    private final RestorationModel model;
    private final ComputeDevice device;
    private final DerainSettings settings;
    private final FrameInference inference;
    private final Slot[] ring;
    /** CUDA streams and events; null on the CPU (its classes need the CUDA natives). */
    private final CudaStreams streams;
    private long submitted;
    private long completed;
    private final Scalar scale255 = new Scalar(255.0);
    private final Scalar zeroValue = new Scalar(0.0);
    private final Scalar oneValue = new Scalar(1.0);
    private final ScalarOptional zero = new ScalarOptional(zeroValue);
    private final ScalarOptional one = new ScalarOptional(oneValue);
    private final AttentionGate gate;
    /** The gate's slope and floor as scalars, made once. */
    private final Scalar gateSlope, gateFloor;
    /** Why {@link Precision#AUTO} chose the precision it did, or null when it was asked for. */
    private final String precisionReason;
    /** Map bytes at or above this are drops, for each frame's drop coverage. */
    private final int dropByte;

    /**
     * @param model takes ownership (closed here too if the operator cannot be built); moved to
     *              {@code device} in the settings' precision ({@link Precision#AUTO}: the device's native one)
     */
    public DerainOperator(RestorationModel model, ComputeDevice device, DerainSettings settings) {
        this.model = model;
        this.device = device;
        CpuFeatures cpu = device.isCuda() ? null : CpuFeatures.host();
        boolean int8Helps = model.int8Helps();
        this.precisionReason = settings.precision() == Precision.AUTO ? Precision.reason(device.isCuda(), cpu, int8Helps) : null;
        settings = settings.withPrecision(settings.precision().resolve(device.isCuda(), cpu, int8Helps));
        this.settings = settings;
        this.inference = settings.inference();
        Scalar slope = null, floor = null;
        Slot[] slots = null;
        CudaStreams cudaStreams = null;
        try {
            if (settings.precision() == Precision.FP16 && !device.isCuda()) {
                throw new SettingsException("fp16 precision needs a CUDA device; use bf16 on CPUs");
            }
            this.gate = settings.gate().resolve(model.gate());
            this.dropByte = (int) Math.ceil(255 * model.dropThreshold() - 1e-9);
            slope = new Scalar(gate.slope());
            floor = new Scalar(gate.floor());
            slots = new Slot[settings.pipelineDepthOn(device)];
            for (int i = 0; i < slots.length; i++) slots[i] = new Slot(new FrameTensors(device.isCuda()));
            cudaStreams = device.isCuda() ? new CudaStreams(device.device(), slots.length) : null;
            settings.precision().applyTo(model, device.device(), device.isCuda(), cpu); // a full GPU fails here
        } catch (RuntimeException | Error e) {
            if (cudaStreams != null) cudaStreams.close();
            if (slots != null) for (Slot slot : slots) if (slot != null) slot.host.close();
            if (slope != null) slope.close();
            if (floor != null) floor.close();
            closeScalars();
            model.close();
            throw e;
        }
        this.gateSlope = slope;
        this.gateFloor = floor;
        this.ring = slots;
        this.streams = cudaStreams;
    }

    /** One batch's place in the ring: host buffers kept across batches, and the frames while in flight. */
    private static final class Slot {
        final FrameTensors host;
        List<VideoFrame> frames;
        boolean withAttention;

        Slot(FrameTensors host) { this.host = host; }
    }

    @Override
    public int maxBatch() {
        return settings.maxBatch();
    }

    @Override
    public void checkFrameSize(int width, int height) {
        int m = model.sizeMultiple();
        if (width < m || height < m) {
            throw new SettingsException("frame " + width + "x" + height + " is too small (at least "
                    + m + "x" + m + " pixels)");
        }
        if ((long) width * height > settings.maxPixels()) {
            throw new SettingsException("frame " + width + "x" + height + " is too large (at most "
                    + settings.maxPixels() + " pixels; raise the pixel limit if memory allows)");
        }
    }

    @Override
    public int pipelineDepth() {
        return ring.length;
    }

    /** Derains {@code batch} at once; only while no submitted batch is waiting to be completed. */
    @Override
    public void apply(List<VideoFrame> batch) {
        apply(batch, gate);
    }

    private void apply(List<VideoFrame> batch, AttentionGate blend) {
        if (submitted != completed) throw new IllegalStateException("apply() while submitted batches are in flight");
        if (batch.isEmpty()) return;
        start(batch, blend);
        complete();
    }

    @Override
    public void submit(List<VideoFrame> batch) {
        start(batch, gate);
    }

    /**
     * This operator without its gate: each frame gets the network's whole restoration and its own attention
     * map, for a later stage that gates with a map it has stabilised over time. A view, not owning: closing it
     * does nothing, and it must not be used once this operator is closed.
     */
    public FrameOperator wholeOutput() {
        return new FrameOperator() {
            @Override
            public void apply(List<VideoFrame> batch) {
                DerainOperator.this.apply(batch, AttentionGate.OFF);
            }

            @Override
            public int maxBatch() { return DerainOperator.this.maxBatch(); }

            @Override
            public void checkFrameSize(int width, int height) { DerainOperator.this.checkFrameSize(width, height); }

            @Override
            public void close() {}
        };
    }

    private void start(List<VideoFrame> batch, AttentionGate blend) {
        if (batch.isEmpty()) throw new IllegalArgumentException("an empty batch"); // a caller's bug, not bad input
        if (submitted - completed == ring.length) {
            throw new IllegalStateException("already " + ring.length + " batches in flight: complete() one first");
        }
        VideoFrame first = batch.get(0);
        for (VideoFrame f : batch) {
            if (!f.sameSizeAs(first)) throw new SettingsException("a batch must hold frames of one size");
        }
        checkFrameSize(first.width(), first.height());
        int index = (int) (submitted % ring.length);
        Slot slot = ring[index];
        Tensor input = slot.host.upload(batch); // outside the scope: the host buffers outlive the batch
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            if (streams == null) {
                slot.withAttention = infer(input, slot.host, blend, false);
            } else {
                Tensor onDevice = streams.upload(index, input);
                try (var onCompute = streams.onCompute()) {
                    slot.withAttention = infer(onDevice, slot.host, blend, true);
                    streams.finished(index);
                }
            }
        }
        slot.frames = batch;
        submitted++;
    }

    @Override
    public void complete() {
        if (completed == submitted) throw new IllegalStateException("no submitted batch to complete");
        int index = (int) (completed % ring.length);
        Slot slot = ring[index];
        if (streams != null) streams.await(index);
        slot.host.download(slot.frames, slot.withAttention, dropByte);
        slot.frames = null;
        completed++;
    }

    /**
     * Runs the model on {@code input} (uint8 N×H×W×3, on the device or, on the CPU, the host buffer) and
     * copies the results into {@code host}'s output buffers; asynchronously when {@code async} (CUDA).
     *
     * @return whether the model produced an attention map
     */
    private boolean infer(Tensor input, FrameTensors host, AttentionGate blend, boolean async) {
        Tensor x = input.to(device.device(), torch.ScalarType.Byte, async, false, new MemoryFormatOptional())
                .permute(0, 3, 1, 2).to(settings.precision().scalarType()).div_(scale255);
        RestorationModel.Restoration r = inference.run(model, x);
        // Where the (widened) map says "no drop" the frame passes through; elsewhere the network's restoration.
        Tensor image = blend.blend(x, r.attention(), r.image(), gateSlope, gateFloor, zero, one);
        host.outputBuffer().copy_(toBytes(image).permute(0, 2, 3, 1), async);
        if (r.attention() == null) return false;
        host.attentionBuffer().copy_(toBytes(r.attention()).select(1, 0), async);
        return true;
    }

    /** Maps [0, 1] to rounded bytes, clamping what the model overshoots (the released script did not). */
    private Tensor toBytes(Tensor t) {
        return t.to(torch.ScalarType.Float).clamp(zero, one).mul(scale255).round_().to(torch.ScalarType.Byte);
    }

    /** The gate this operator blends with: the model's, or the user's choice over it. */
    public AttentionGate gate() {
        return gate;
    }

    /** The attention level from which the model's map marks a raindrop (its calibration, else 0.5). */
    public double dropThreshold() {
        return model.dropThreshold();
    }

    public String describe() {
        return model.describe() + " on " + device + ", " + settings.precision().name().toLowerCase()
                + (precisionReason != null ? " (" + precisionReason + ")" : "")
                + ", batch " + settings.maxBatch() + ", " + inference.describe()
                + ", " + gate.describe();
    }

    @Override
    public void close() {
        if (streams != null) streams.close(); // waits for work still writing into the host buffers
        for (Slot slot : ring) slot.host.close();
        model.close();
        gateSlope.close();
        gateFloor.close();
        closeScalars();
    }

    private void closeScalars() {
        zero.close();
        one.close();
        zeroValue.close();
        oneValue.close();
        scale255.close();
    }
}
