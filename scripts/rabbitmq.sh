#!/usr/bin/env bash
# Installs (if missing) and starts a local RabbitMQ with the management plugin.
# Usage: scripts/rabbitmq.sh up|down|status
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/rabbitmq-node.sh"

# A node of our own, with its own data dir and ports, so it never touches a
# system RabbitMQ and can be stopped by name rather than by a broad pkill.
# Its files live in a folder the rabbitmq user owns rather than in the repo.
rmq_node "${RABBITMQ_NODENAME:-enlarger@localhost}" "${RABBITMQ_NODE_PORT:-5672}" \
  "${RABBITMQ_DIR:-${TMPDIR:-/tmp}/enlarger-rabbitmq}"
MGMT_PORT="${RABBITMQ_MGMT_PORT:-15672}"

up() {
  ensure_packages rabbitmq-server
  echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  rmq_config "listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT" \
    "management.tcp.ip = 127.0.0.1" "management.tcp.port = $MGMT_PORT" "loopback_users = none"
  rmq_start
  wait_for "rabbitmq management API" 60 curl -fsS -u guest:guest "http://127.0.0.1:$MGMT_PORT/api/overview"
  log "rabbitmq ready: amqp://guest:guest@127.0.0.1:$RABBITMQ_NODE_PORT"
}

case "${1:-up}" in
  up) up ;;
  down) rmq_stop ;;
  status) rmq_answers && echo running || { echo stopped; exit 1; } ;;
  *) die "usage: $0 up|down|status" ;;
esac
