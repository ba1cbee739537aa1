package io.derain.models.weights;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.ConvTranspose2dImpl;
import org.bytedeco.pytorch.ConvTranspose2dOptions;
import org.bytedeco.pytorch.Module;

/**
 * A module with the paper generator's parameters, named and shaped as in docs/attentive-generator.md
 * (layers inside wrappers named by their Sequential index), but no forward: enough to test loading.
 */
final class GeneratorShapedModule {
    private GeneratorShapedModule() {}

    static Module create() {
        Module root = new Module("generator");
        sequential(root, "det_conv0", conv(4, 32, 3));
        for (int k = 1; k <= 5; k++) sequential(root, "det_conv" + k, conv(32, 32, 3), null, conv(32, 32, 3));
        for (String gate : new String[] {"conv_i", "conv_f", "conv_g", "conv_o"}) sequential(root, gate, conv(64, 32, 3));
        sequential(root, "det_conv_mask", conv(32, 1, 3));
        sequential(root, "conv1", conv(4, 64, 5));
        sequential(root, "conv2", conv(64, 128, 3));
        sequential(root, "conv3", conv(128, 128, 3));
        sequential(root, "conv4", conv(128, 256, 3));
        sequential(root, "conv5", conv(256, 256, 3));
        sequential(root, "conv6", conv(256, 256, 3));
        for (int k = 1; k <= 4; k++) sequential(root, "diconv" + k, conv(256, 256, 3));
        sequential(root, "conv7", conv(256, 256, 3));
        sequential(root, "conv8", conv(256, 256, 3));
        sequential(root, "deconv1", deconv(256, 128));
        sequential(root, "conv9", conv(128, 128, 3));
        sequential(root, "deconv2", deconv(128, 64));
        sequential(root, "conv10", conv(64, 32, 3));
        sequential(root, "outframe1", conv(256, 3, 3));
        sequential(root, "outframe2", conv(128, 3, 3));
        sequential(root, "output", conv(32, 3, 3));
        return root;
    }

    /** Registers {@code layers} under "0", "1", ... of a child named {@code name}; null leaves an index out. */
    static void sequential(Module parent, String name, Module... layers) {
        Module wrapper = new Module(name);
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != null) wrapper.register_module(String.valueOf(i), layers[i]);
        }
        parent.register_module(name, wrapper);
    }

    static Conv2dImpl conv(long in, long out, long kernel) {
        return new Conv2dImpl(new Conv2dOptions(in, out, new LongPointer(kernel, kernel)));
    }

    private static ConvTranspose2dImpl deconv(long in, long out) {
        return new ConvTranspose2dImpl(new ConvTranspose2dOptions(in, out, new LongPointer(4L, 4L)));
    }
}
