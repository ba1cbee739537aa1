package io.derain.operators.derain;

import io.derain.models.SettingsException;
import io.derain.models.runtime.Natives;
import java.util.Locale;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * Where inference runs. {@code auto} takes CUDA when libtorch sees a GPU (only with the {@code gpu}
 * build profile's natives), else the CPU.
 */
public final class ComputeDevice {
    public enum Kind { AUTO, CPU, CUDA }

    private final boolean cuda;
    private final Device device;

    private ComputeDevice(boolean cuda) {
        this.cuda = cuda;
        this.device = new Device(cuda ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
    }

    /** Resolves the user's choice; asking for CUDA where there is none is an error, not a silent fallback. */
    public static ComputeDevice select(Kind kind) {
        Natives.ensureLoaded();
        // Only ask for CUDA when it was requested or may be used: the check itself is cheap, but the CUDA
        // helper classes throw on CPU-only natives, so nothing else CUDA-related is touched before it.
        boolean available = kind != Kind.CPU && torch.cuda_is_available();
        if (kind == Kind.CUDA && !available) {
            throw new SettingsException("CUDA device: none is available "
                    + "(build with -Pgpu and install CUDA 13.1 + cuDNN 9.19)");
        }
        return new ComputeDevice(available);
    }

    /**
     * Sets libtorch's intra-op thread count for CPU inference. Process-wide (libtorch has one pool), so it is
     * the process owner's call — the CLI's {@code --threads}, an embedding service's main — and nothing in the
     * library makes it on a job's behalf: one job must not change another's speed.
     *
     * @param threads at least 1
     */
    public static void setProcessCpuThreads(int threads) {
        if (threads < 1) throw new SettingsException("CPU threads must be at least 1, got " + threads);
        Natives.ensureLoaded();
        torch.set_num_threads(threads);
    }

    public static Kind parseKind(String s) {
        return Kind.valueOf(s.toUpperCase(Locale.ROOT));
    }

    public boolean isCuda() {
        return cuda;
    }

    public Device device() {
        return device;
    }

    @Override
    public String toString() {
        return cuda ? "cuda" : "cpu (" + torch.get_num_threads() + " threads)";
    }
}
