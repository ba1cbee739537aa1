package io.derain.pipeline.live;

/** A live source's connection counters, written by its reading thread, readable from any (metrics, summary). */
public final class CameraStats {
    private volatile long reconnects;
    private volatile long stalls;
    private volatile long disconnects;
    private volatile boolean connected;

    void connected() { connected = true; }
    void reconnected() { reconnects++; connected = true; }
    void lost(boolean stall) {
        connected = false;
        disconnects++;
        if (stall) stalls++;
    }

    /** Successful reconnects (the first connection does not count). */
    public long reconnects() { return reconnects; }
    /** Connections dropped because they delivered nothing within the stall timeout. */
    public long stalls() { return stalls; }
    /** Connections lost for any reason (stalls included). */
    public long disconnects() { return disconnects; }
    public boolean isConnected() { return connected; }
}
