package io.derain.pipeline.runtime;

/** A live look at one of a job's queues, for gauges. */
public interface QueueView {
    String name();

    int capacity();

    /** Items waiting now. */
    int depth();
}
