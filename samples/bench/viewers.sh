#!/usr/bin/env bash
# What people watching cost a camera: one `derain serve` with one live camera, run twice for the same time, first
# with nobody watching, then with N viewers of the camera page's side-by-side stream (MJPEG, 5 fps). Prints the
# camera's latency p99 (from serve's own summary) and the process's peak and final resident memory side by side.
#   samples/bench/viewers.sh [VIEWERS=20] [SECONDS=60]
# Needs Debian's python3 with GStreamer's RTSP server (the live tests' camera: python3-gi, gir1.2-gst-rtsp-server-1.0)
# and curl. Builds nothing: run ./derain --version once first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
viewers=${1:-20} seconds=${2:-60}
work=$(mktemp -d) camera_pid="" serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$camera_pid" ] && kill "$camera_pid" 2>/dev/null || true
  pkill -P $$ curl 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rtsp=$(free_port)
/usr/bin/python3 pipeline/runtime/src/test/resources/io/derain/pipeline/live/rtsp_camera.py --port "$rtsp" --path /cam \
  --file samples/media/rainy-road.mp4 > "$work/camera.log" 2>&1 &
camera_pid=$!
sleep 2

# One serve run: prints "p99_seconds peak_rss_bytes final_rss_bytes frames"
measure() { # N_VIEWERS
  local n=$1 http out
  http=$(free_port) out="$work/cam1-$n.mp4"
  printf 'model: lite\ncameras:\n  - {id: cam1, input: "rtsp://127.0.0.1:%s/cam", output: "%s", fps: 5}\n' "$rtsp" "$out" > "$work/cameras.yaml"
  ./derain serve --config "$work/cameras.yaml" --http "127.0.0.1:$http" > "$work/serve-$n.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && break; sleep 1; done
  sleep 10 # past the warm-up
  for _ in $(seq "$n"); do
    curl -s --max-time $((seconds + 5)) -o /dev/null "http://127.0.0.1:$http/api/v1/cameras/cam1/stream.mjpeg?view=side-by-side&fps=5" &
  done
  sleep "$seconds"
  local peak rss
  peak=$(awk '/^VmHWM:/ {print $2 * 1024}' "/proc/$serve_pid/status")
  rss=$(awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$serve_pid/status")
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
  pkill -P $$ curl 2>/dev/null || true
  local line
  line=$(grep -o 'cam1: stopped, [0-9]* frames, latency p99 [0-9.]* s' "$work/serve-$n.log" || true)
  [ -n "$line" ] || { echo "serve with $n viewers did not report:" >&2; tail -5 "$work/serve-$n.log" >&2; exit 1; }
  echo "$(echo "$line" | awk '{print $7}') $peak $rss $(echo "$line" | awk '{print $3}')"
}

read -r p99_0 peak_0 rss_0 frames_0 < <(measure 0)
read -r p99_n peak_n rss_n frames_n < <(measure "$viewers")
echo "one camera (640x360, fps 5, model lite), ${seconds} s each, on $(nproc) cores"
printf '%-22s %10s %14s %14s %8s\n' "" "p99 s" "peak RSS MiB" "final RSS MiB" "frames"
awk -v a="$p99_0" -v b="$p99_n" -v pa="$peak_0" -v pb="$peak_n" -v ra="$rss_0" -v rb="$rss_n" -v fa="$frames_0" -v fb="$frames_n" -v n="$viewers" 'BEGIN {
  printf "%-22s %10.3f %14.0f %14.0f %8d\n", "nobody watching", a, pa / 1048576, ra / 1048576, fa
  printf "%-22s %10.3f %14.0f %14.0f %8d\n", n " viewers", b, pb / 1048576, rb / 1048576, fb
  printf "viewers / nobody: p99 %+.0f %%, peak RSS %+.0f MiB\n", (b / a - 1) * 100, (pb - pa) / 1048576 }'
