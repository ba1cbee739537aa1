package io.derain.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The weight file formats {@link StateDict#read} understands, told apart by their first bytes. */
public enum WeightFormat {
    /** torch.save before PyTorch 1.6, or with _use_new_zipfile_serialization=False (the released gen.pkl). */
    LEGACY_TORCH,
    /** torch.save's zip archive (PyTorch 1.6+); TorchScript archives look alike and are refused when read. */
    ZIP_ARCHIVE,
    /** This project's checkpoint, see {@link DerainCheckpoint}. */
    DERAIN_CHECKPOINT;

    static final String NOT_A_STATE_DICT = "not a PyTorch state dict or derain checkpoint";

    /** @throws WeightsException if the file cannot be read or is in none of the formats */
    public static WeightFormat detect(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        } catch (NoSuchFileException e) {
            throw WeightsException.of(file, "no such file");
        } catch (IOException e) {
            throw WeightsException.of(file, "cannot read (" + e.getMessage() + ")");
        }
        if (LegacyTorchFormat.matches(head)) return LEGACY_TORCH;
        if (ZipTorchFormat.matches(head)) return ZIP_ARCHIVE;
        if (DerainCheckpoint.matches(head)) return DERAIN_CHECKPOINT;
        throw WeightsException.of(file, NOT_A_STATE_DICT);
    }
}
