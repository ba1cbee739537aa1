package io.derain.pipeline.serve.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.derain.pipeline.job.DerainJob;
import io.derain.pipeline.live.LiveSource;
import io.derain.pipeline.runtime.DropReason;
import java.util.Locale;

/** A running job's figures as the cameras API lists them, for {@code serve}'s cameras and {@code run}'s one. */
public final class CameraJson {
    private CameraJson() {}

    /** Puts {@code frames}, {@code fps} (now), {@code lens_coverage} (or null), {@code drops} by reason and, for a live source, {@code connected} and {@code reconnects}. */
    public static void putStats(ObjectNode n, DerainJob job) {
        var stats = job.pipeline().stats();
        n.put("frames", stats.framesWritten());
        n.put("fps", Math.round(stats.recentFramesPerSecond() * 100) / 100.0);
        double coverage = stats.lensCoverage();
        if (Double.isNaN(coverage)) n.putNull("lens_coverage");
        else n.put("lens_coverage", Math.round(coverage * 10_000) / 10_000.0);
        ObjectNode drops = n.putObject("drops");
        for (DropReason reason : DropReason.values()) drops.put(reason.name().toLowerCase(Locale.ROOT), stats.framesDropped(reason));
        if (job.source() instanceof LiveSource camera) {
            n.put("connected", camera.stats().isConnected());
            n.put("reconnects", camera.stats().reconnects());
        }
    }
}
