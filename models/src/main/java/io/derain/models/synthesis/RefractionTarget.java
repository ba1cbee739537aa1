package io.derain.models.synthesis;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** The native side of one {@link DropLayer}: its refraction maps and the remapped scene, reused per frame. */
final class RefractionTarget implements AutoCloseable {
    private final DropLayer layer;
    private final Mat mapX = new Mat();
    private final Mat mapY = new Mat();
    private final Mat refracted = new Mat();
    private final FloatPointer mapXData;
    private final FloatPointer mapYData;
    private final Scalar border = new Scalar(0.0);
    /** The remapped scene, BGR24, layer-sized. */
    final byte[] pixels;

    RefractionTarget(DropLayer layer) {
        this.layer = layer;
        mapX.create(layer.height, layer.width, CV_32FC1);
        mapY.create(layer.height, layer.width, CV_32FC1);
        refracted.create(layer.height, layer.width, CV_8UC3);
        mapXData = new FloatPointer(mapX.data());
        mapYData = new FloatPointer(mapY.data());
        pixels = new byte[3 * layer.width * layer.height];
    }

    /** Samples {@code source} through the layer's refraction map into {@link #pixels}. */
    void refract(Mat source) {
        mapXData.put(layer.mapX, 0, layer.mapX.length);
        mapYData.put(layer.mapY, 0, layer.mapY.length);
        remap(source, refracted, mapX, mapY, INTER_LINEAR, BORDER_REFLECT_101, border);
        refracted.data().get(pixels, 0, pixels.length);
    }

    @Override
    public void close() {
        mapXData.close();
        mapYData.close();
        mapX.close();
        mapY.close();
        refracted.close();
        border.close();
    }
}
