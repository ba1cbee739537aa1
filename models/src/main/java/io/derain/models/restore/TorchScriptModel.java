package io.derain.models.restore;

import io.derain.models.runtime.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TupleElements;
import org.bytedeco.pytorch.global.torch;

/**
 * An exported (TorchScript) image-to-image model: N×3×H×W in [0, 1] in; the image, or a tuple/list whose
 * last element is the image, out. If the tuple has a 1-channel tensor before the image, it is taken as
 * the attention map (the attentive generator's own export returns maps first, image last).
 */
public final class TorchScriptModel implements RestorationModel {
    private final JitModule module;
    private final Path file;
    private final int sizeMultiple;

    private TorchScriptModel(JitModule module, Path file, int sizeMultiple) {
        this.module = module;
        this.file = file;
        this.sizeMultiple = sizeMultiple;
    }

    /** Loads {@code file} on the CPU; fails with a one-line message naming the file. */
    public static TorchScriptModel load(Path file, int sizeMultiple) {
        Natives.ensureLoaded();
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": no such file");
        }
        try {
            JitModule module = torch.load(file.toString());
            module.eval();
            return new TorchScriptModel(module, file, sizeMultiple);
        } catch (RuntimeException e) {
            throw new ModelLoadException(file + ": not a TorchScript model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    @Override
    public Restoration restore(Tensor image) {
        IValue out = module.forward(new IValueVector(new IValue(image)));
        if (out.isTensor()) {
            return new Restoration(out.toTensor(), null);
        }
        if (out.isTuple()) {
            TupleElements items = out.toTupleRef().elements();
            Tensor last = tensorAt(items, items.size() - 1);
            Tensor attention = null;
            for (long i = items.size() - 2; i >= 0 && attention == null; i--) {
                IValue v = items.get(i);
                if (v.isTensor() && v.toTensor().dim() == 4 && v.toTensor().size(1) == 1) attention = v.toTensor();
                if (v.isTensorList() && v.toTensorVector().size() > 0) {
                    var maps = v.toTensorVector();
                    attention = maps.get(maps.size() - 1);
                }
            }
            return new Restoration(last, attention);
        }
        if (out.isTensorList()) {
            var list = out.toTensorVector();
            return new Restoration(list.get(list.size() - 1), null);
        }
        throw new ModelLoadException(file + ": model returned neither a tensor nor a tuple ending in one");
    }

    private Tensor tensorAt(TupleElements items, long index) {
        IValue v = items.get(index);
        if (!v.isTensor()) {
            throw new ModelLoadException(file + ": the model's last output is not an image tensor");
        }
        return v.toTensor();
    }

    @Override
    public void to(Device device, torch.ScalarType dtype) {
        module.to(device, dtype);
    }

    @Override
    public int sizeMultiple() {
        return sizeMultiple;
    }

    @Override
    public String describe() {
        return "TorchScript model " + file;
    }

    @Override
    public void close() {
        module.close();
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
