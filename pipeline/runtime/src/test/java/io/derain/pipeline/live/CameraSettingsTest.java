package io.derain.pipeline.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CameraSettingsTest {
    @Test
    void credentialsInUrlsAreMasked() {
        assertEquals("rtsp://***@10.0.0.5:554/cam1", CameraSettings.redact("rtsp://admin:hunter2@10.0.0.5:554/cam1"));
        assertEquals("rtsp://10.0.0.5:554/cam1", CameraSettings.redact("rtsp://10.0.0.5:554/cam1"));
        assertEquals("rec/cam1-%H%M%S.mp4", CameraSettings.redact("rec/cam1-%H%M%S.mp4"));
        assertEquals("rtsp://***@cam/s1", CameraSettings.of("rtsp://u:p@cam/s1").redactedUrl());
    }
}
