package io.derain.pipeline.runtime;

/**
 * One stage of a finished job.
 *
 * @param name          decode, infer or encode
 * @param count         units of work: items read, batches inferred, items written
 * @param busySeconds   time spent working rather than waiting on a queue
 * @param maxSeconds    the longest unit of work
 * @param inputQueue    the queue this stage reads, or null for the source's stage
 * @param utilisation   busy time over the job's wall time: the stage near 1 is the bottleneck
 */
public record StageStats(String name, long count, double busySeconds, double maxSeconds, QueueStats inputQueue,
                         double utilisation) {

    /** @param capacity slots; @param meanDepth mean fill seen by the producer; @param maxDepth highest fill */
    public record QueueStats(String name, int capacity, double meanDepth, int maxDepth) {}

    static StageStats of(StageMeter meter, StageQueue<?> input, double wallSeconds) {
        QueueStats queue = input == null ? null
                : new QueueStats(input.name(), input.capacity(), input.meanDepth(), input.maxDepth());
        double busy = meter.busyNanos() / 1e9;
        return new StageStats(meter.name(), meter.count(), busy, meter.maxNanos() / 1e9, queue,
                wallSeconds > 0 ? busy / wallSeconds : 0);
    }
}
