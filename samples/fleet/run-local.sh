#!/usr/bin/env bash
# The fleet of docker-compose.yml as processes on this machine: `derain broker` (topics created up front),
# one gst-rtsp-server camera per camera (the tests' camera, looping the sample clip), one ingest per camera,
# N workers, one recorder per camera. Ctrl-C or SIGTERM stops everything in dependency order.
#   samples/fleet/run-local.sh [--cameras 2] [--workers 2] [--fps 0.5] [--dir runs/fleet] [--duration SECONDS]
# Each process's pid is in DIR/pids/NAME.pid, its command in DIR/cmds/NAME and its log in DIR/logs/NAME.log
# (names: broker, camN, ingest-camN, worker-N, recorder-camN); samples/fleet/fault-run.sh kills and restarts them.
set -euo pipefail
duration=0
while (($#)); do
  case "$1" in
    --cameras) FLEET_CAMERAS=$2; shift 2 ;;
    --workers) FLEET_WORKERS=$2; shift 2 ;;
    --fps) FLEET_FPS=$2; shift 2 ;;
    --dir) FLEET_DIR=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --broker-port) FLEET_BROKER_PORT=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "run-local.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"
"${fleet_derain[@]}" --version >/dev/null   # build once, before anything starts

trap 'fleet_down; echo "run-local.sh: stopped; logs in $FLEET_DIR/logs"; exit 130' INT
trap 'fleet_down; echo "run-local.sh: stopped; logs in $FLEET_DIR/logs"; exit 143' TERM
fleet_up || { fleet_down; exit 1; }
echo "run-local.sh: $(fleet_where)"
echo "  Ctrl-C stops all"
if ((duration > 0)); then sleep "$duration"; fleet_down; exit 0; fi
while true; do sleep 3600 & wait $!; done
