#!/usr/bin/env bash
# Installs (if missing) and starts a local RabbitMQ with the management plugin.
# Usage: scripts/rabbitmq.sh up|down|status
source "$(dirname "$0")/lib.sh"

# A node of our own, with its own data dir and ports, so it never touches a
# system RabbitMQ and can be stopped by name rather than by a broad pkill.
export RABBITMQ_NODENAME="${RABBITMQ_NODENAME:-enlarger@localhost}"
export RABBITMQ_NODE_PORT="${RABBITMQ_NODE_PORT:-5672}"
# Debian's wrapper drops to the rabbitmq user when run as root, so the node's
# files live in a folder that user owns rather than in the repo.
RMQ_DIR="${RABBITMQ_DIR:-${TMPDIR:-/tmp}/enlarger-rabbitmq}"
export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq"
MGMT_PORT="${RABBITMQ_MGMT_PORT:-15672}"
export HOME="${HOME:-/root}"

# The package starts a system node on some setups; ours is separate.
install() { ensure_packages rabbitmq-server; }

answers() { rabbitmq-diagnostics -q -n "$RABBITMQ_NODENAME" check_port_connectivity >/dev/null 2>&1; }

up() {
  install
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  cat > "$RABBITMQ_CONFIG_FILE.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
loopback_users = none
CONF
  if [[ $(id -u) -eq 0 ]] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$RMQ_DIR"; fi
  if answers; then log "rabbitmq already running"; return 0; fi
  log "starting rabbitmq ($RABBITMQ_NODENAME on 127.0.0.1:$RABBITMQ_NODE_PORT, management :$MGMT_PORT)"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_for "rabbitmq" 120 answers
  wait_for "rabbitmq management API" 60 curl -fsS -u guest:guest "http://127.0.0.1:$MGMT_PORT/api/overview"
  log "rabbitmq ready: amqp://guest:guest@127.0.0.1:$RABBITMQ_NODE_PORT"
}

down() {
  if answers; then
    log "stopping rabbitmq ($RABBITMQ_NODENAME)"
    rabbitmqctl -q -n "$RABBITMQ_NODENAME" shutdown >/dev/null 2>&1 || true
  fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) answers && echo running || { echo stopped; exit 1; } ;;
  *) die "usage: $0 up|down|status" ;;
esac
