package io.derain.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CamerasApiTest {
    @Test
    void credentialsInUrlsAreMasked() {
        assertEquals("rtsp://***@10.0.0.5:554/cam1", CamerasApi.masked("rtsp://admin:hunter2@10.0.0.5:554/cam1"));
        assertEquals("rtsp://10.0.0.5:554/cam1", CamerasApi.masked("rtsp://10.0.0.5:554/cam1"));
        assertEquals("rec/cam1-%H%M%S.mp4", CamerasApi.masked("rec/cam1-%H%M%S.mp4"));
    }
}
