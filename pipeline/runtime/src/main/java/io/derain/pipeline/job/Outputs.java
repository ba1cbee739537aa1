package io.derain.pipeline.job;

import io.derain.pipeline.InputException;
import io.derain.pipeline.live.CameraSettings;
import io.derain.pipeline.live.StreamPublishSink;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SegmentedVideoSink;
import io.derain.pipeline.sink.Sinks;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the sink an output string names: a connector's (a Kafka topic), a stream URL to publish to, rolling
 * segments, or a file or directory. The caller owns what it returns.
 */
final class Outputs {
    private Outputs() {}

    /**
     * @param info   what will be written (size and rate after preview and thinning)
     * @param camera the job's camera id, for a connector's records
     */
    static FrameSink open(JobSettings job, SourceInfo info, String camera) throws IOException {
        String output = job.output();
        Connector connector = job.outputConnector();
        if (connector != null) {
            if (job.segment() != null) throw new InputException(output + ": segments are files, not a topic");
            return connector.openSink(output, camera, info);
        }
        if (CameraSettings.isStreamUrl(output)) {
            if (job.segment() != null) throw new InputException(output + ": segments are files, not a stream");
            if (info.frameRate() <= 0) throw new InputException(output + ": still images cannot be streamed");
            try {
                return new StreamPublishSink(output, info, job.reconnect(), job.events());
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage(), e);
            }
        }
        Path path = Path.of(output);
        if (job.segment() != null) {
            if (info.frameRate() <= 0) throw new InputException(output + ": still images cannot be recorded in segments");
            return SegmentedVideoSink.open(path, job.segment(), info, job.overwrite());
        }
        return Sinks.open(path, info, job.overwrite());
    }
}
