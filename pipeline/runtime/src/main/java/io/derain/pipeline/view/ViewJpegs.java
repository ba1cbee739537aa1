package io.derain.pipeline.view;

import java.time.Duration;

/**
 * A {@link LiveView}'s panels as JPEG, encoded once per capture and panel however many people look (a cache of
 * one picture per panel), for snapshots and streams. Asking marks the view watched. Any thread.
 */
public final class ViewJpegs {
    /** One encoded panel of capture {@code version} (frame {@code index}). */
    public record Jpeg(long version, long index, byte[] bytes) {}

    private final LiveView view;
    private final SnapshotJpeg encoder;
    private final Jpeg[] cached = new Jpeg[Panel.values().length];

    public ViewJpegs(LiveView view, SnapshotJpeg encoder) {
        this.view = view;
        this.encoder = encoder;
    }

    public LiveView view() { return view; }

    /** The latest capture's panel; null before the first capture (the view starts capturing now). */
    public Jpeg latest(Panel panel) {
        view.watch();
        LiveView.Snapshot s = view.acquire();
        try {
            return s == null ? null : encoded(s, panel);
        } finally {
            view.release(s);
        }
    }

    /** The first capture newer than {@code version}, or null if none comes within {@code timeout}. */
    public Jpeg awaitNewer(Panel panel, long version, Duration timeout) throws InterruptedException {
        view.watch();
        LiveView.Snapshot s = view.awaitNewer(version, timeout);
        if (s == null) return null;
        try {
            return encoded(s, panel);
        } finally {
            view.release(s);
        }
    }

    private synchronized Jpeg encoded(LiveView.Snapshot s, Panel panel) {
        Jpeg c = cached[panel.ordinal()];
        if (c == null || c.version() != s.version()) {
            c = new Jpeg(s.version(), s.index(), encoder.encode(s, panel));
            cached[panel.ordinal()] = c;
        }
        return c;
    }
}
