package io.derain.pipeline.kafka.audit;

/**
 * One camera's frames in the input topic and what became of them.
 *
 * @param inputRecords  the camera's records in the input topic
 * @param derived       distinct input records with a derained record
 * @param deadLettered  distinct input records in the dead-letter topic (not derained)
 * @param lost          input records with neither: must be 0 once the workers caught up
 * @param duplicates    derained records whose input record had already been derained: must be 0
 * @param outOfOrder    derained records whose input came before the previous one's: must be 0
 * @param latency       capture → derained record, over the derained records that carry a capture time
 */
public record CameraAudit(String camera, long inputRecords, long derived, long deadLettered, long lost, long duplicates,
                          long outOfOrder, LatencySummary latency) {
    /** Nothing lost, repeated or reordered. */
    public boolean clean() { return lost == 0 && duplicates == 0 && outOfOrder == 0; }
}
