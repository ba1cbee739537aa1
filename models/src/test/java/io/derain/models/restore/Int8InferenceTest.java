package io.derain.models.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.generator.AttentiveGenerator;
import io.derain.models.generator.GeneratorConfig;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The int8 feature extractor on libtorch's quantized kernels, calibrated on the bundled frames: close to fp32 on
 * the trained model, really int8 (not the float path), and undone by releasing it.
 */
class Int8InferenceTest {
    private static final Device CPU = new Device(torch.DeviceType.CPU);

    /** derain runs int8 only with int8 dot products (Precision.requireInt8); elsewhere its kernels saturate. */
    @org.junit.jupiter.api.BeforeAll
    static void needsInt8DotProducts() throws java.io.IOException {
        String flags = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
        org.junit.jupiter.api.Assumptions.assumeTrue(flags.contains("avx512_vnni") || flags.contains("amx_int8"),
                "this CPU has no AVX-512 VNNI or AMX int8 dot products");
    }

    @Test
    void theTrainedModelInInt8StaysCloseToFp32() {
        try (GeneratorModel model = ModelCatalog.bundled("lite"); InferenceMode guard = new InferenceMode()) {
            Tensor frame = unseenFrame();
            Tensor fp32 = restore(model, frame);
            model.quantize();
            assertTrue(model.generator().featuresQuantized());
            Tensor int8 = restore(model, frame);
            // Not the float path: int8 rounding shows, but far below what the eye or PSNR gains notice.
            assertTrue(fp32.sub(int8).abs().max().item_double() > 0, "int8 changed nothing: the float path ran");
            double psnr = psnr(fp32, int8);
            assertTrue(psnr > 45, "int8 output " + psnr + " dB from fp32's");
            model.generator().releaseQuantized();
            assertEquals(0.0, fp32.sub(restore(model, frame)).abs().max().item_double(), 1e-6, "released: the fp32 path again");
            model.quantize();
            model.to(CPU, torch.ScalarType.BFloat16); // precision int8: int8 features, bf16 elsewhere
            double mixed = psnr(fp32, restore(model, frame.to(torch.ScalarType.BFloat16)));
            assertTrue(mixed > 40, "int8 + bf16 output " + mixed + " dB from fp32's");
        }
    }

    @Test
    void calibrationNeedsFp32Weights() {
        try (GeneratorModel lite = ModelCatalog.bundled("lite");
             GeneratorModel paper = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.PAPER), "random weights");
             InferenceMode guard = new InferenceMode()) {
            assertTrue(lite.int8Helps());
            assertTrue(paper.int8Helps());
            try (PointerScope scope = new PointerScope()) {
                assertThrows(IllegalStateException.class, lite::quantize, "the packed weights would die with the scope");
            }
            lite.to(CPU, torch.ScalarType.BFloat16);
            assertThrows(IllegalStateException.class, lite::quantize);
            assertFalse(lite.generator().featuresQuantized());
        }
    }

    @Test
    void thePaperWidthRunsInt8OnASmallFrame() {
        torch.manual_seed(3);
        try (GeneratorModel paper = new GeneratorModel(new AttentiveGenerator(GeneratorConfig.PAPER), "random weights");
             InferenceMode guard = new InferenceMode()) {
            Tensor frame = torch.rand(1, 3, 64, 96);
            Tensor fp32 = restore(paper, frame);
            paper.quantize();
            Tensor int8 = restore(paper, frame);
            assertTrue(fp32.sub(int8).abs().max().item_double() > 0, "int8 changed nothing: the float path ran");
            double psnr = psnr(fp32, int8);
            assertTrue(psnr > 40, "paper width int8: " + psnr + " dB from fp32's");
        }
    }

    /** A calibration frame mirrored and cropped: content the calibration did not see. */
    private static Tensor unseenFrame() {
        List<Tensor> frames = CalibrationFrames.load();
        Tensor f = frames.get(1).flip(new long[] {3}).narrow(2, 40, 240).narrow(3, 100, 400).contiguous();
        for (Tensor t : frames) t.close();
        return f;
    }

    private static Tensor restore(GeneratorModel model, Tensor frame) {
        try (PointerScope scope = new PointerScope()) {
            return model.restore(frame).image().to(torch.ScalarType.Float).retainReference(); // outlives the scope
        }
    }

    private static double psnr(Tensor a, Tensor b) {
        double mse = a.sub(b.to(torch.ScalarType.Float)).pow(new org.bytedeco.pytorch.Scalar(2)).mean().item_double();
        return 10 * Math.log10(1 / Math.max(mse, 1e-12));
    }
}
