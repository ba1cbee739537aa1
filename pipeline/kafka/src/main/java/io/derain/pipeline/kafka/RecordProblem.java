package io.derain.pipeline.kafka;

/**
 * What is wrong with one record, before it is known where the record came from; the codec turns it into a
 * {@link io.derain.pipeline.runtime.FrameRejectedException} that names the record's position.
 */
final class RecordProblem extends RuntimeException {
    RecordProblem(String reason) { super(reason, null, false, false); } // no stack trace: poison is expected
}
