package io.derain.pipeline.runtime;

/**
 * What a finished job did.
 *
 * @param frames       video frames written
 * @param audioBlocks  audio sample blocks passed through
 * @param seconds      wall time from the first read to the commit
 */
public record JobReport(long frames, long audioBlocks, double seconds) {
    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
