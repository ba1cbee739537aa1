package io.derain.pipeline.sink;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.Sources;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSinkTest {
    @TempDir Path tmp;

    @Test
    void directoryRoundTripKeepsNamesSizesAndPixels() throws Exception {
        Path out = tmp.resolve("derained");
        try (FrameSource source = Sources.open(TestMedia.realRain());
             FrameSink sink = Sinks.open(out, source.info(), false)) {
            assertTrue(sink instanceof ImageSink);
            assertEquals(8, Pump.copy(source, sink));
            assertTrue(!Files.exists(out), "nothing visible before commit");
            sink.commit();
        }
        List<String> names = names(out);
        assertEquals(names(TestMedia.realRain()), names);
        assertEquals(8, names.size());
        for (String name : names) {
            try (Mat in = imread(TestMedia.realRain().resolve(name).toString(), IMREAD_COLOR);
                 Mat written = imread(out.resolve(name).toString(), IMREAD_COLOR);
                 Mat diff = new Mat()) {
                assertEquals(in.cols(), written.cols(), name);
                assertEquals(in.rows(), written.rows(), name);
                absdiff(in, written, diff);
                if (name.endsWith(".png")) {
                    assertEquals(0, countNonZero(diff.reshape(1, 0)), name + " is lossless");
                } else {
                    double mad = (mean(diff).get(0) + mean(diff).get(1) + mean(diff).get(2)) / 3;
                    assertTrue(mad < 3, name + " differs by " + mad);
                }
            }
        }
        assertEquals(List.of("derained"), names(tmp), "no temporary directory left");
    }

    @Test
    void singleImageToFile() throws Exception {
        Path out = tmp.resolve("clean.jpg");
        try (FrameSource source = Sources.open(TestMedia.realRain().resolve("test_2.png"));
             FrameSink sink = Sinks.open(out, source.info(), false)) {
            Pump.copy(source, sink);
            sink.commit();
        }
        try (Mat written = imread(out.toString(), IMREAD_COLOR)) {
            assertTrue(!written.empty());
        }
        assertEquals(List.of("clean.jpg"), names(tmp));
    }

    @Test
    void closeWithoutCommitRemovesEverything() throws Exception {
        Path out = tmp.resolve("out");
        try (FrameSource source = Sources.open(TestMedia.realRain());
             FrameSink sink = Sinks.open(out, source.info(), false)) {
            Pump.copy(source, sink);
        }
        assertEquals(List.of(), names(tmp));
    }

    @Test
    void existingDirectoryIsReplacedOnlyWhenOverwriting() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(out.resolve("old.txt"), "old");
        try (FrameSource source = Sources.open(TestMedia.realRain().resolve("case2.jpg"))) {
            InputException e = assertThrows(InputException.class, () -> Sinks.open(out, source.info(), false));
            assertTrue(e.getMessage().contains("exists"), e.getMessage());
            try (FrameSink sink = Sinks.open(out, source.info(), true)) {
                Pump.copy(source, sink);
                sink.commit();
            }
        }
        assertEquals(List.of("case2.jpg"), names(out));
        assertEquals(List.of("out"), names(tmp));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
