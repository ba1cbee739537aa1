package io.derain.models.training;

import java.nio.ByteBuffer;
import java.util.List;

/** Clean pictures for the training-draw tests: one textured gradient, so drops and crops have something to show. */
final class TrainingScenes {
    private TrainingScenes() {}

    /** One {@code side}×{@code side} BGR picture: a gradient with a diagonal ripple. */
    static List<CleanImage> gradient(int side) {
        ByteBuffer px = ByteBuffer.allocateDirect(side * side * 3);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                px.put((byte) x).put((byte) y).put((byte) (128 + 60 * Math.sin((x + y) / 9.0)));
            }
        }
        return List.of(new CleanImage("gradient", side, side, px.flip()));
    }
}
