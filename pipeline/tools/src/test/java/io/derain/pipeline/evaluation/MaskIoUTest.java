package io.derain.pipeline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.derain.models.SettingsException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MaskIoUTest {
    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) b.put((byte) v);
        return b.flip();
    }

    @Test
    void halfMeansByte128() {
        assertEquals(128, MaskIoU.thresholdByte(0.5));
        assertEquals(255, MaskIoU.thresholdByte(1.0));
        assertEquals(1, MaskIoU.thresholdByte(1 / 255.0));
        assertThrows(SettingsException.class, () -> MaskIoU.thresholdByte(0));
    }

    @Test
    void countsIntersectionOverUnion() {
        // attention ≥ 128:   no   yes  yes  yes  no  no
        // mask > 127:        no   yes  no   yes  yes no
        ByteBuffer attention = bytes(127, 128, 255, 200, 0, 10);
        ByteBuffer mask = bytes(0, 255, 0, 128, 255, 127);
        assertEquals(2.0 / 4, MaskIoU.of(attention, mask, 6, 0.5), 1e-12);
        // At 0.9 (byte ≥ 230) only the 255 counts, and the mask is off there.
        assertEquals(0.0, MaskIoU.of(attention, mask, 6, 0.9), 1e-12);
    }

    @Test
    void bothEmptyAgreePerfectly() {
        assertEquals(1.0, MaskIoU.of(bytes(0, 5), bytes(0, 0), 2, 0.5));
    }
}
