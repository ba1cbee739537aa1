package io.derain.pipeline.kafka;

/**
 * Which model made a record's pixels, for the {@code derain.model} and {@code derain.weights} headers; both
 * are left out when null (frames published without deraining).
 *
 * @param name    the model's name ("lite", "paper")
 * @param weights a digest of the weights (e.g. "sha256:..."), so consumers can tell two trainings apart
 */
public record ModelStamp(String name, String weights) {
    /** Frames published as they came: no model headers. */
    public static final ModelStamp NONE = new ModelStamp(null, null);
}
