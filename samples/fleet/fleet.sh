# The local twin's process supervisor, sourced by run-local.sh and fault-run.sh (not run on its own).
# Every process of the fleet has a NAME (broker, camN, ingest-camN, worker-N, recorder-camN); its pid is in
# $FLEET_DIR/pids/NAME.pid, its command in $FLEET_DIR/cmds/NAME (so it can be restarted as it was started)
# and its output in $FLEET_DIR/logs/NAME.log (appended across restarts).
#
# Settings (set before sourcing; the defaults are run-local.sh's):
#   FLEET_DIR        working directory (default runs/fleet)
#   FLEET_CAMERAS    number of simulated cameras (2)      FLEET_WORKERS  number of workers (2)
#   FLEET_FPS        frames per second each ingest samples from its camera (0.5)
#   FLEET_BROKER_PORT, FLEET_CAMERA_PORT (camera N serves on FLEET_CAMERA_PORT + N), FLEET_METRICS_PORT
#                    (ingest N on FLEET_METRICS_PORT + N, worker N on FLEET_METRICS_PORT + 10 + N)
#   FLEET_RECORDERS  1 to record derained video per camera (default), 0 not to
#   DERAIN           the derain command (default: the repository's launcher)
fleet_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${FLEET_DIR:=$fleet_root/runs/fleet}" "${FLEET_CAMERAS:=2}" "${FLEET_WORKERS:=2}" "${FLEET_FPS:=0.5}"
: "${FLEET_BROKER_PORT:=19092}" "${FLEET_CAMERA_PORT:=18554}" "${FLEET_METRICS_PORT:=9470}" "${FLEET_RECORDERS:=1}"
read -r -a fleet_derain <<<"${DERAIN:-$fleet_root/derain}"
fleet_kafka="kafka://127.0.0.1:$FLEET_BROKER_PORT"
fleet_clip="$fleet_root/samples/media/rainy-road.mp4"
fleet_camera_script="$fleet_root/pipeline/runtime/src/test/resources/io/derain/pipeline/live/rtsp_camera.py"

fleet_log() { echo "fleet: $*" >&2; }

# NAME COMMAND...: starts COMMAND in the background as NAME.
fleet_start() {
  local name=$1; shift
  mkdir -p "$FLEET_DIR/pids" "$FLEET_DIR/cmds" "$FLEET_DIR/logs"
  printf '%q ' "$@" >"$FLEET_DIR/cmds/$name"
  "$@" >>"$FLEET_DIR/logs/$name.log" 2>&1 &
  echo $! >"$FLEET_DIR/pids/$name.pid"
  disown $!  # no "Killed" notice from this shell when a fault kills it
}

fleet_pid() { cat "$FLEET_DIR/pids/$1.pid" 2>/dev/null; }

fleet_alive() { local pid; pid=$(fleet_pid "$1") && kill -0 "$pid" 2>/dev/null; }

# GLOB: SIGTERM to those processes, then SIGKILL to any still running after 20 s.
fleet_stop() {
  local pids=() f
  for f in "$FLEET_DIR"/pids/$1.pid; do [ -e "$f" ] && pids+=("$(cat "$f")") && rm -f "$f"; done
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.5
  done
  fleet_log "still running after 20 s, killed: $1"
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# NAME: SIGKILL, as a crash would (no shutdown hook runs).
fleet_kill() {
  local pid; pid=$(fleet_pid "$1") || return 0
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done  # 10 s at most
  kill -0 "$pid" 2>/dev/null && fleet_log "$1 (pid $pid) still there 10 s after SIGKILL"
  rm -f "$FLEET_DIR/pids/$1.pid"
}

# NAME: starts NAME again with the command it was first started with.
fleet_restart() {
  local name=$1 cmd
  fleet_stop "$name"
  cmd=$(cat "$FLEET_DIR/cmds/$name")
  eval "fleet_start $name $cmd"
}

# NAME: resident memory in MiB (VmRSS), or "-" when it is not running.
fleet_rss() {
  local pid kb; pid=$(fleet_pid "$1") || { echo -; return; }
  kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || true
  [ -n "$kb" ] && echo $((kb / 1024)) || echo -
}

# NAME PATTERN SECONDS: waits until NAME's log has a line matching PATTERN; fails if NAME ends first.
fleet_await_log() {
  local name=$1 pattern=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    grep -q -- "$pattern" "$FLEET_DIR/logs/$name.log" 2>/dev/null && return 0
    fleet_alive "$name" || { fleet_log "$name ended before '$pattern' (see $FLEET_DIR/logs/$name.log)"; return 1; }
    sleep 0.5
  done
  fleet_log "no '$pattern' from $name within $3 s (see $FLEET_DIR/logs/$name.log)"
  return 1
}

fleet_start_broker() {
  # Topics up front: frames.raw gets one partition per camera, so every worker has a camera to derain from
  # the first rebalance (keys are hashed to partitions; cam1 and cam2 land on different ones of two).
  fleet_start broker "${fleet_derain[@]}" broker --listen "127.0.0.1:$FLEET_BROKER_PORT" --data "$FLEET_DIR/kafka" \
    --topic "frames.raw:$FLEET_CAMERAS" --topic "frames.derained:$FLEET_CAMERAS" --topic frames.dlq:1
  fleet_await_log broker "listening on" 120
}

fleet_start_camera() { # N
  fleet_start "cam$1" /usr/bin/python3 "$fleet_camera_script" --port $((FLEET_CAMERA_PORT + $1)) --path /cam --file "$fleet_clip"
}

fleet_start_ingest() { # N
  fleet_start "ingest-cam$1" "${fleet_derain[@]}" run "rtsp://127.0.0.1:$((FLEET_CAMERA_PORT + $1))/cam" \
    -o "$fleet_kafka/frames.raw" --model none --camera "cam$1" --fps "$FLEET_FPS" --metrics-port $((FLEET_METRICS_PORT + $1))
}

fleet_start_worker() { # N
  fleet_start "worker-$1" "${fleet_derain[@]}" worker --in "$fleet_kafka/frames.raw" --out "$fleet_kafka/frames.derained" \
    --group derain --dlq frames.dlq --batch 4 --instance "worker-$1" --threads 1 \
    --metrics-port $((FLEET_METRICS_PORT + 10 + $1))
}

fleet_start_recorder() { # N
  mkdir -p "$FLEET_DIR/recordings"
  fleet_start "recorder-cam$1" "${fleet_derain[@]}" run "$fleet_kafka/frames.derained" --camera "cam$1" --follow --group "recorder-cam$1" \
    --model none --first-frame-timeout 1h -o "$FLEET_DIR/recordings/cam$1-%Y%m%d-%H%M%S.mp4" --segment 60s
}

# Starts the whole topology: broker (topics created), cameras, ingest, workers, recorders.
fleet_up() {
  local n
  fleet_start_broker || return 1
  for n in $(seq 1 "$FLEET_CAMERAS"); do fleet_start_camera "$n"; done
  for n in $(seq 1 "$FLEET_CAMERAS"); do fleet_start_ingest "$n"; done
  for n in $(seq 1 "$FLEET_WORKERS"); do fleet_start_worker "$n"; done
  if ((FLEET_RECORDERS)); then for n in $(seq 1 "$FLEET_CAMERAS"); do fleet_start_recorder "$n"; done; fi
}

# Stops everything in dependency order: ingest first (its producers flush), then the workers (they commit
# before the broker goes), the recorders, the broker, the cameras.
fleet_down() {
  fleet_stop 'ingest-*'
  fleet_stop 'worker-*'
  fleet_stop 'recorder-*'
  fleet_stop broker
  fleet_stop 'cam*'
}

fleet_where() {
  local n
  echo "broker $fleet_kafka (topics frames.raw, frames.derained, frames.dlq)"
  for n in $(seq 1 "$FLEET_CAMERAS"); do
    echo "  cam$n: rtsp://127.0.0.1:$((FLEET_CAMERA_PORT + n))/cam  ingest metrics http://127.0.0.1:$((FLEET_METRICS_PORT + n))/metrics"
  done
  for n in $(seq 1 "$FLEET_WORKERS"); do echo "  worker-$n metrics http://127.0.0.1:$((FLEET_METRICS_PORT + 10 + n))/metrics"; done
  echo "  recordings: $FLEET_DIR/recordings   logs: $FLEET_DIR/logs   pids: $FLEET_DIR/pids"
}
