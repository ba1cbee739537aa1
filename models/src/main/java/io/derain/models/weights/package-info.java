/**
 * Weight files: reading PyTorch state dicts (the legacy torch.save format of the released gen.pkl and
 * the zip format of PyTorch 1.6+) without Python, this project's own {@link
 * io.derain.models.weights.DerainCheckpoint} format, and loading a {@link
 * io.derain.models.weights.StateDict} into a libtorch module all-or-nothing with {@link
 * io.derain.models.weights.WeightLoader}. Pickles are read by a data-only unpickler with a whitelist
 * of globals ({@code pickle} subpackage): a weights file can never run code.
 */
package io.derain.models.weights;
