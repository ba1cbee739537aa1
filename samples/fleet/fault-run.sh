#!/usr/bin/env bash
# The local twin under faults: 2 cameras and 2 workers for --seconds of video (default 180) while one worker
# is killed with SIGKILL (and restarted, as docker-compose's restart policy would), the broker is restarted,
# and camera 1's RTSP server is restarted. Then the ingest stops, the workers drain, `derain audit` checks
# frames.raw against frames.derained, and a report is printed (and written to DIR/report.txt):
# frames captured per camera, drops by reason, reconnects, lost and duplicated frames, worst capture -> derained
# latency, each worker's resident memory at start and end.
#   samples/fleet/fault-run.sh [--seconds 180] [--fps 0.5] [--dir runs/fault] [--recorders]
# Exit 0 when the audit is clean (0 lost, 0 duplicates, in order), 4 when it is not, 1 when the fleet failed.
set -euo pipefail
seconds=180 FLEET_RECORDERS=0
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --fps) FLEET_FPS=$2; shift 2 ;;
    --dir) FLEET_DIR=$2; shift 2 ;;
    --recorders) FLEET_RECORDERS=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "fault-run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
: "${FLEET_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/runs/fault}"
FLEET_CAMERAS=2 FLEET_WORKERS=2
: "${FLEET_BROKER_PORT:=19192}" "${FLEET_CAMERA_PORT:=18654}" "${FLEET_METRICS_PORT:=9570}"
source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"
rm -rf "$FLEET_DIR"
mkdir -p "$FLEET_DIR"
report="$FLEET_DIR/report.txt"
"${fleet_derain[@]}" --version >/dev/null

trap 'fleet_down; exit 130' INT
trap 'fleet_down; exit 143' TERM

kill_at=$((seconds * 20 / 100)) broker_at=$((seconds * 45 / 100)) camera_at=$((seconds * 70 / 100))
worker_down=10 broker_down=5 camera_down=3
declare -A rss_start rss_end
events=()

worker_frames() { # N: frames the worker has committed, 0 while it cannot be scraped
  curl -s --max-time 2 "http://127.0.0.1:$((FLEET_METRICS_PORT + 10 + $1))/metrics" 2>/dev/null |
    awk '/^derain_worker_frames_out_total/ {sum += $2; found=1} END {print found ? int(sum) : 0}'
}
sample_start_rss() { # once a worker has committed frames (its model is loaded and warm)
  local n key
  for n in 1 2; do
    key="worker-$n"; ((n == 1)) && key+="$restarted"
    [ -n "${rss_start[$key]:-}" ] && continue
    if (( $(worker_frames "$n") > 0 )); then rss_start[$key]=$(fleet_rss "worker-$n"); fi
  done
}

fleet_up || { fleet_down; exit 1; }
fleet_await_log ingest-cam1 "frames pass through" 120 || { fleet_down; exit 1; }
start=$SECONDS
t=0 restarted=""
while ((t < seconds)); do
  sleep 1
  t=$((SECONDS - start))
  sample_start_rss
  if ((t >= kill_at)) && [ -z "${killed:-}" ]; then
    killed=1 rss_end[worker-1]=$(fleet_rss worker-1)
    fleet_kill worker-1
    events+=("t=${t}s worker-1 killed with SIGKILL")
  fi
  if [ -n "${killed:-}" ] && [ -z "$restarted" ] && ((t >= kill_at + worker_down)); then
    fleet_restart worker-1
    restarted=" (restarted)"
    events+=("t=${t}s worker-1 restarted")
  fi
  if ((t >= broker_at)) && [ -z "${broker_done:-}" ]; then
    broker_done=1
    fleet_stop broker
    sleep "$broker_down"
    fleet_restart broker
    fleet_await_log broker "listening on" 60 || { fleet_down; exit 1; }
    events+=("t=${t}s broker stopped, started again ${broker_down} s later (same port and data)")
  fi
  if ((t >= camera_at)) && [ -z "${camera_done:-}" ]; then
    camera_done=1
    fleet_kill cam1
    sleep "$camera_down"
    fleet_restart cam1
    events+=("t=${t}s cam1's RTSP server killed, started again ${camera_down} s later (same port)")
  fi
done
fleet_stop 'ingest-*'   # SIGTERM: each ingest flushes its producer and prints its summary
events+=("t=$((SECONDS - start))s ingest stopped")

# Drain: the audit is clean once the workers have caught up; a backlog (the kill, the broker restart) takes a while.
audit=("${fleet_derain[@]}" audit "$fleet_kafka/frames.raw" "$fleet_kafka/frames.derained" --dlq frames.dlq --timeout 60s)
status=4
for _ in $(seq 1 24); do
  "${audit[@]}" >"$FLEET_DIR/audit.txt" 2>&1 && status=0 || status=$?
  ((status == 4)) || break
  sleep 10
done
rss_end[worker-2]=$(fleet_rss worker-2)
rss_end[worker-1$restarted]=$(fleet_rss worker-1)
fleet_down

{
  echo "fault run: 2 cameras, 2 workers, ${seconds} s of video sampled at ${FLEET_FPS} fps per camera; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
  printf '  %s\n' "${events[@]}"
  for n in 1 2; do
    echo "cam$n ingest: $(grep '^derain: ' "$FLEET_DIR/logs/ingest-cam$n.log" | tail -n 1)"
  done
  cat "$FLEET_DIR/audit.txt"
  for key in worker-1 "worker-1$restarted" worker-2; do
    echo "$key: resident memory at start ${rss_start[$key]:--} MiB, at end ${rss_end[$key]:--} MiB"
  done
  echo "logs: $FLEET_DIR/logs"
} | tee "$report"
exit "$status"
