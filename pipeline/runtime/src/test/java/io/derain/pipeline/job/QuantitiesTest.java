package io.derain.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.SettingsException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Quantities.duration("500ms"));
        assertEquals(Duration.ofMillis(1500), Quantities.duration("1.5s"));
        assertEquals(Duration.ofSeconds(5), Quantities.duration("5"));
        assertEquals(Duration.ofMinutes(2), Quantities.duration(" 2m "));
        assertEquals(Duration.ofDays(7), Quantities.duration("7D"));
        assertTrue(assertThrows(SettingsException.class, () -> Quantities.duration("soon")).getMessage().contains("'soon'"));
        assertThrows(SettingsException.class, () -> Quantities.duration("400d"));
    }

    @Test
    void sizes() {
        assertEquals(50L << 30, Quantities.bytes("50GiB"));
        assertEquals(2_000_000_000L, Quantities.bytes("2GB"));
        assertEquals(100 * 1024, Quantities.bytes("100k"));
        assertEquals(1536L << 20, Quantities.bytes("1.5 GiB"));
        assertEquals(123, Quantities.bytes("123"));
        assertTrue(assertThrows(SettingsException.class, () -> Quantities.bytes("lots")).getMessage().contains("'lots'"));
        assertThrows(SettingsException.class, () -> Quantities.bytes("9999999TiB"));
    }
}
