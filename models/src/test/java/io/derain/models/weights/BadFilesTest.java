package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unreadable files fail with one-line WeightsExceptions naming the file, never EOF errors or crashes. */
class BadFilesTest {
    @TempDir
    Path dir;

    @Test
    void randomBytesAndEmptyFilesAreNotStateDicts() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path random = Files.write(dir.resolve("noise.bin"), noise);
        assertEquals("noise.bin: not a PyTorch state dict or derain checkpoint", message(random));
        Path empty = Files.write(dir.resolve("empty.pkl"), new byte[0]);
        assertEquals("empty.pkl: not a PyTorch state dict or derain checkpoint", message(empty));
        assertEquals("absent.pkl: no such file", message(dir.resolve("absent.pkl")));
    }

    @Test
    void torchScriptArchivesPointToTheModelOption() {
        assertEquals("scripted.pt is a TorchScript model, not a weights file (load it as a TorchScript model)", message(PythonFixtures.file("scripted.pt")));
    }

    @Test
    void truncatedLegacyFileNamesTheStorage() throws IOException {
        Path file = truncatedCopy("gen_legacy_v2.pkl", "gen_cut.pkl", 0.6);
        String message = message(file);
        assertTrue(message.matches("gen_cut\\.pkl: truncated: storage \\S+ expects \\d+ bytes, only \\d+ left"), message);
    }

    @Test
    void legacyFileCutInsideThePickleIsTruncated() throws IOException {
        Path file = truncatedCopy("gen_legacy_v2.pkl", "gen_head.pkl", 0.0001);
        assertTrue(message(file).startsWith("gen_head.pkl: truncated pickle"), message(file));
    }

    @Test
    void truncatedZipIsReported() throws IOException {
        Path file = truncatedCopy("gen_zip.pt", "gen_cut.pt", 0.5);
        assertTrue(message(file).startsWith("gen_cut.pt: truncated or corrupt zip archive"), message(file));
    }

    @Test
    void picklesNamingOtherGlobalsAreRefused() throws IOException {
        // The legacy header pickles (magic, 1001, {}) then a pickle calling os.system('true').
        String header = "80028a0a6cfc9c46f9206aa850192e" + "80024de9032e" + "80027d2e";
        String attack = "800263706f7369780a73797374656d0a580400000074727565855271002e";
        Path file = Files.write(dir.resolve("evil.pkl"), HexFormat.of().parseHex(header + attack));
        assertEquals("evil.pkl: refusing to load Python global posix.system (only tensors in a dict can be read; "
                + "save the model's state_dict())", message(file));
    }

    private Path truncatedCopy(String fixture, String name, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(PythonFixtures.file(fixture));
        return Files.write(dir.resolve(name), Arrays.copyOf(bytes, Math.max(20, (int) (bytes.length * fraction))));
    }

    static String message(Path file) {
        WeightsException e = assertThrows(WeightsException.class, () -> StateDict.read(file).close());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }
}
