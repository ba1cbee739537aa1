package io.derain.pipeline.kafka.audit;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One input partition's records by offset: whose camera each is, and whether a derained or dead-letter
 * record points back at it. Offsets without a record (transaction markers, aborted records) stay empty.
 */
final class PartitionLedger {
    private static final int NONE = -1;
    private final long base;
    private int[] cameraOf = new int[1024];
    private int size;
    private final BitSet derived = new BitSet();
    private final BitSet dead = new BitSet();

    PartitionLedger(long firstOffset) {
        this.base = firstOffset;
        Arrays.fill(cameraOf, NONE);
    }

    void record(long offset, int camera) {
        int i = Math.toIntExact(offset - base);
        if (i >= cameraOf.length) {
            int old = cameraOf.length;
            cameraOf = Arrays.copyOf(cameraOf, Math.max(i + 1, 2 * old));
            Arrays.fill(cameraOf, old, cameraOf.length, NONE);
        }
        cameraOf[i] = camera;
        size = Math.max(size, i + 1);
    }

    /** The camera of the input record at {@code offset}, or -1 if the input read has none there. */
    int camera(long offset) {
        long i = offset - base;
        return i < 0 || i >= size ? NONE : cameraOf[(int) i];
    }

    /** Marks the record derained; false if it already was (a duplicate). */
    boolean derive(long offset) {
        int i = (int) (offset - base);
        if (derived.get(i)) return false;
        derived.set(i);
        return true;
    }

    void deadLetter(long offset) { dead.set((int) (offset - base)); }

    /** Per camera (by index), input records, derained, dead-lettered and neither. */
    void tally(long[] input, long[] derivedOut, long[] deadOut, long[] lost) {
        for (int i = 0; i < size; i++) {
            int c = cameraOf[i];
            if (c == NONE) continue;
            input[c]++;
            if (derived.get(i)) derivedOut[c]++;
            else if (dead.get(i)) deadOut[c]++;
            else lost[c]++;
        }
    }
}
