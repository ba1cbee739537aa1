package io.derain.pipeline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    @Test
    void aZeroWaitHasPassedAndLeavesOnlyTheFloor() {
        Deadline d = Deadline.in(Duration.ZERO);
        assertTrue(d.expired());
        assertEquals(0, d.remainingNanos());
        assertEquals(1, d.remainingMillis(1));
    }

    @Test
    void aLongWaitHasNotPassedAndNeverOverflows() {
        Deadline hour = Deadline.in(Duration.ofHours(1));
        assertFalse(hour.expired());
        assertTrue(hour.remainingMillis(0) > 3_590_000 && hour.remainingMillis(0) <= 3_600_000);
        Deadline forever = Deadline.in(Duration.ofSeconds(Long.MAX_VALUE));
        assertFalse(forever.expired(), "a timeout too long for nanoseconds is far away, not in the past");
        assertTrue(forever.remainingNanos() > 0);
    }
}
