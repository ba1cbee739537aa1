#!/usr/bin/env bash
# The fleet of docker-compose.yml as processes on this machine: `derain broker`, one gst-rtsp-server camera
# per camera (the tests' camera, looping the sample clip), one ingest per camera, N workers, one recorder
# per camera. Ctrl-C or SIGTERM stops everything (SIGTERM, 20 s, then SIGKILL).
#   samples/fleet/run-local.sh [--cameras 2] [--workers 2] [--fps 2] [--dir runs/fleet] [--duration SECONDS]
# Each process's pid is in DIR/pids/NAME.pid and its log in DIR/logs/NAME.log (names: broker, camN, ingest-camN,
# worker-N, recorder-camN), so a fault script can kill or restart one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cameras=2 workers=2 fps=0.5 dir="$root/runs/fleet" duration=0 broker_port=19092 camera_port=18554
while (($#)); do
  case "$1" in
    --cameras) cameras=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --fps) fps=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --broker-port) broker_port=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "run-local.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
derain="$root/derain"
clip="$root/samples/media/rainy-road.mp4"
camera_script="$root/pipeline/src/test/resources/io/derain/pipeline/live/rtsp_camera.py"
kafka="kafka://127.0.0.1:$broker_port"
mkdir -p "$dir/pids" "$dir/logs" "$dir/recordings"
"$derain" --version >/dev/null   # build once, before anything starts

start() { # NAME COMMAND...: starts it in the background, pid in DIR/pids/NAME.pid
  local name=$1; shift
  "$@" >>"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
}
cmd_broker() { echo "$derain" broker --listen "127.0.0.1:$broker_port" --data "$dir/kafka" --partitions 4; }
cmd_cam() { echo /usr/bin/python3 "$camera_script" --port $((camera_port + $1)) --path /cam --file "$clip"; }

stop_group() { # GLOB: SIGTERM to those processes, up to 20 s, then SIGKILL
  local pids=() f
  for f in "$dir"/pids/$1.pid; do [ -e "$f" ] && pids+=("$(cat "$f")") && rm -f "$f"; done
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

stop_all() { # in dependency order: the workers commit before the broker goes
  stop_group 'ingest-*'
  stop_group 'worker-*'
  stop_group 'recorder-*'
  stop_group broker
  stop_group 'cam*'
  echo "run-local.sh: stopped; logs in $dir/logs"
}

{
  trap 'stop_all; exit 130' INT
  trap 'stop_all; exit 143' TERM
  start broker $(cmd_broker)
  for _ in $(seq 1 120); do grep -q "listening on" "$dir/logs/broker.log" 2>/dev/null && break; sleep 0.5; done
  grep -q "listening on" "$dir/logs/broker.log" || { echo "run-local.sh: the broker did not start (see $dir/logs/broker.log)" >&2; stop_all; exit 1; }
  for n in $(seq 1 "$cameras"); do
    start "cam$n" $(cmd_cam "$n")
    start "ingest-cam$n" "$derain" run "rtsp://127.0.0.1:$((camera_port + n))/cam" -o "$kafka/frames.raw" --model none \
      --camera "cam$n" --fps "$fps" --metrics-port $((9470 + n))
  done
  # The workers need frames.raw, the recorders frames.derained: both appear with their first records.
  for _ in $(seq 1 240); do grep -q "frames, " "$dir/logs/ingest-cam1.log" 2>/dev/null && break; sleep 0.5; done
  for n in $(seq 1 "$workers"); do
    start "worker-$n" "$derain" worker --in "$kafka/frames.raw" --out "$kafka/frames.derained" --group derain \
      --dlq frames.dlq --batch 4 --instance "worker-$n" --threads 1 --metrics-port $((9480 + n))
  done
  for _ in $(seq 1 240); do grep -q "derain worker: kafka" "$dir/logs/worker-1.log" 2>/dev/null && break; sleep 0.5; done
  sleep 15
  for n in $(seq 1 "$cameras"); do
    start "recorder-cam$n" "$derain" run "$kafka/frames.derained" --camera "cam$n" --follow --model none \
      --first-frame-timeout 1h -o "$dir/recordings/cam$n-%Y%m%d-%H%M%S.mp4" --segment 60s
  done
  echo "run-local.sh: broker $kafka (topics frames.raw, frames.derained, frames.dlq)"
  for n in $(seq 1 "$cameras"); do
    echo "  cam$n: rtsp://127.0.0.1:$((camera_port + n))/cam  ingest metrics http://127.0.0.1:$((9470 + n))/metrics"
  done
  for n in $(seq 1 "$workers"); do echo "  worker-$n metrics http://127.0.0.1:$((9480 + n))/metrics"; done
  echo "  recordings: $dir/recordings   logs: $dir/logs   pids: $dir/pids   (Ctrl-C stops all)"
  if ((duration > 0)); then sleep "$duration"; stop_all; exit 0; fi
  wait
}
