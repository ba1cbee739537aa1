#!/usr/bin/python3
"""A fake IP camera for the live-source tests: serves an mp4 in an endless loop as live H.264 over RTSP.

Usage: rtsp_camera.py --port P --path /cam --file CLIP.mp4   (P=0 picks a free port)
Prints exactly one line "READY <port>" on stdout once the server listens on 127.0.0.1; exits 0 on
SIGTERM/SIGINT, 2 when the port cannot be bound (the Java side retries), 3 when the clip cannot be decoded.

Why not the plain `multifilesrc loop=true ! qtdemux ! ...` launch line: qtdemux does not restart on the
second copy of the file, so the stream ends with EOS after one pass (seen: exactly 100 frames, then BYE).
Instead the clip is decoded once into memory and an appsrc pushes it round and round from a thread paced
by the wall clock, stamping each frame with the pipeline's running time (is-live + do-timestamp). That
makes it behave like a camera: a client gets frames from "now" at the clip's rate, never a burst, and
after SIGSTOP/SIGCONT (the tests' silent server) the schedule restarts instead of catching up.
"""
import argparse
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

# A long clip would need a lot of memory as raw frames; the tests' clips are a few seconds.
MAX_FRAMES = 750

ENCODE = ("videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 "
          "! rtph264pay name=pay0 pt=96 config-interval=1")


def decode(path):
    """All frames of the clip as I420 bytes, with their caps and frame rate (num, den)."""
    pipeline = Gst.parse_launch(
        "filesrc name=file ! qtdemux ! h264parse ! avdec_h264 ! videoconvert "
        "! video/x-raw,format=I420 ! appsink name=sink sync=false")
    pipeline.get_by_name("file").set_property("location", path)
    sink = pipeline.get_by_name("sink")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    frames, caps = [], None
    deadline = time.monotonic() + 5  # well inside the Java side's 10 s wait for READY
    try:
        while len(frames) < MAX_FRAMES:
            # An unreadable file posts an ERROR and the appsink just stays empty: watch the bus too.
            error = bus.pop_filtered(Gst.MessageType.ERROR)
            if error is not None:
                raise RuntimeError(error.parse_error()[0].message)
            if time.monotonic() > deadline:
                raise RuntimeError("decoding took over 5 s")
            sample = sink.emit("try-pull-sample", Gst.SECOND // 10)
            if sample is None:
                if sink.get_property("eos"):  # true only once the last sample was pulled
                    break
                continue
            caps = sample.get_caps()
            buf = sample.get_buffer()
            frames.append(buf.extract_dup(0, buf.get_size()))
    finally:
        pipeline.set_state(Gst.State.NULL)
    if not frames:
        raise RuntimeError("no frames decoded")
    ok, num, den = caps.get_structure(0).get_fraction("framerate")
    if not ok or num <= 0:
        num, den = 25, 1
    return frames, caps, num, den


class Feeder(threading.Thread):
    """Pushes the frames into one media's appsrc at the clip's rate until that media is unprepared."""

    def __init__(self, appsrc, frames, period):
        super().__init__(daemon=True)
        self.appsrc, self.frames, self.period = appsrc, frames, period
        self.stopped = threading.Event()

    def run(self):
        i = 0
        due = time.monotonic()
        while not self.stopped.is_set():
            buf = Gst.Buffer.new_wrapped(self.frames[i % len(self.frames)])
            buf.duration = int(self.period * Gst.SECOND)
            self.appsrc.emit("push-buffer", buf)  # FLUSHING while paused/stopping: just keep the beat
            i += 1
            due += self.period
            late = time.monotonic() - due
            if late > self.period:  # woke from SIGSTOP (or starved): restart the beat, don't burst
                due = time.monotonic()
            else:
                self.stopped.wait(max(0.0, -late))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default="/cam")
    parser.add_argument("--file", required=True)
    args = parser.parse_args()

    Gst.init(None)
    try:
        frames, caps, num, den = decode(args.file)
    except Exception as e:  # noqa: BLE001 - reported to the Java side through stderr
        print("rtsp_camera: cannot decode %s: %s" % (args.file, e), file=sys.stderr, flush=True)
        return 3
    period = den / num

    factory = GstRtspServer.RTSPMediaFactory()
    # A small leaky queue: while nobody plays, old frames are dropped rather than piled up.
    factory.set_launch("( appsrc name=src is-live=true do-timestamp=true format=time "
                       "max-buffers=2 leaky-type=downstream ! " + ENCODE + " )")
    factory.set_shared(True)  # one encoder for all clients, like a camera

    def configure(_factory, media):
        appsrc = media.get_element().get_by_name("src")
        appsrc.set_property("caps", caps)
        feeder = Feeder(appsrc, frames, period)
        media.connect("unprepared", lambda _m: feeder.stopped.set())
        feeder.start()

    factory.connect("media-configure", configure)

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:  # the bind failed, e.g. the port is taken
        print("rtsp_camera: cannot listen on 127.0.0.1:%d" % args.port, file=sys.stderr, flush=True)
        return 2

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print("READY %d" % server.get_bound_port(), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
