package io.derain.samples.scene;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainSimulation;
import io.derain.models.synthesis.RainStyle;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class RoadSceneTest {
    @Test
    void framesAreDeterministicMoveAndAreWrittenForLooking() {
        RoadScene scene = new RoadScene(640, 360, 1);
        assertArrayEquals(scene.render(10), new RoadScene(640, 360, 1).render(10));
        assertFalse(Arrays.equals(scene.render(10), scene.render(11)), "the camera moves");
        File dir = new File("target/scene-samples");
        dir.mkdirs();
        try (RainSimulation rain = new RainSimulation(RainSettings.defaults(RainStyle.MIXED), 1)) {
            byte[] rainy = new byte[640 * 360 * 3];
            for (int f = 0; f <= 30; f++) {
                byte[] clean = scene.render(f);
                rain.next(ByteBuffer.wrap(clean), 640, 360, ByteBuffer.wrap(rainy), null, null);
                if (f % 15 == 0) {
                    write(new File(dir, "road_" + f + ".png"), clean);
                    write(new File(dir, "road_" + f + "_rain.png"), rainy);
                }
            }
        }
    }

    private static void write(File file, byte[] bgr) {
        try (BytePointer p = new BytePointer(bgr); Mat m = new Mat(360, 640, CV_8UC3, p)) {
            imwrite(file.getPath(), m);
        }
    }
}
