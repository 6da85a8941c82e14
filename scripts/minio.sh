#!/usr/bin/env bash
# Builds (once) and runs MinIO on loopback with its data in a temporary folder.
# Usage: scripts/minio.sh up|down|status
source "$(dirname "$0")/lib.sh"

MINIO_PORT="${MINIO_PORT:-9000}"
MINIO_DATA="${MINIO_DATA:-${TMPDIR:-/tmp}/enlarger-minio}"
export MINIO_ROOT_USER="${MINIO_ROOT_USER:-enlarger}"
export MINIO_ROOT_PASSWORD="${MINIO_ROOT_PASSWORD:-enlarger-secret}"
# Anonymous usage reporting and update checks would try the internet.
export MINIO_UPDATE=off MINIO_BROWSER=off

answers() { curl -fsS "http://127.0.0.1:$MINIO_PORT/minio/health/ready" >/dev/null 2>&1; }

up() {
  "$SCRIPTS_DIR/build-tools.sh" minio
  if answers; then log "minio already running on :$MINIO_PORT"; return 0; fi
  mkdir -p "$MINIO_DATA"
  start_daemon minio "$RUN_DIR/minio.log" \
    "$(bin_dir minio "$MINIO_VERSION")/minio" server --quiet \
    --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$((MINIO_PORT + 1))" "$MINIO_DATA"
  wait_for "minio" 60 answers
  log "minio ready: http://127.0.0.1:$MINIO_PORT ($MINIO_ROOT_USER / $MINIO_ROOT_PASSWORD)"
}

down() {
  stop_daemon minio
  # The data folder is scratch: tests create and delete their own buckets.
  [[ "${KEEP_DATA:-}" == 1 ]] || rm -rf "$MINIO_DATA"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  # `stop`/`start` keep the data: fault tests take the server away and bring it back.
  stop) stop_daemon minio ;;
  start) up ;;
  status) answers && echo running || { echo stopped; exit 1; } ;;
  *) die "usage: $0 up|down|stop|start|status" ;;
esac
