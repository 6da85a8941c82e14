# Helpers for running RabbitMQ nodes of our own: each with its own node name,
# ports, data dir and config, so none touches a system RabbitMQ or another's
# node. Source it after lib.sh; scripts/rabbitmq.sh and
# scripts/rabbitmq-cluster.sh use it.

# rmq_node NODENAME AMQP_PORT DIR : points the RABBITMQ_* variables at one node.
# The node's config is "$DIR/rabbitmq.conf"; callers write it with rmq_config.
rmq_node() {
  export RABBITMQ_NODENAME="$1" RABBITMQ_NODE_PORT="$2"
  RMQ_DIR="$3"
  export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
  export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
  export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq"
  export HOME="${HOME:-/root}"
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  [[ -f "$RABBITMQ_ENABLED_PLUGINS_FILE" ]] || echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
}

# rmq_config LINES : writes the current node's config (listeners, TLS, ...).
rmq_config() { printf '%s\n' "$@" > "$RABBITMQ_CONFIG_FILE.conf"; }

# Debian's wrapper drops to the rabbitmq user when run as root, so a node's
# files must belong to that user.
rmq_own() {
  if [[ $(id -u) -eq 0 ]] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$1"; fi
}

rmq_answers() { rmq_ctl rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; }

# rmq_ctl TOOL ARGS... : runs a RabbitMQ CLI tool against the current node.
# With RMQ_COOKIE_HOME set, the tool runs as the rabbitmq user with that HOME,
# so it reads that .erlang.cookie: Debian's wrapper would reset HOME to
# /var/lib/rabbitmq and with it pick the system node's cookie.
rmq_ctl() {
  local tool="$1"; shift
  if [[ -z "${RMQ_COOKIE_HOME:-}" ]]; then "$tool" -n "$RABBITMQ_NODENAME" "$@"; return; fi
  local bin="/usr/lib/rabbitmq/bin/$tool"
  if [[ $(id -u) -eq 0 ]] && id rabbitmq >/dev/null 2>&1; then
    runuser -u rabbitmq -- env HOME="$RMQ_COOKIE_HOME" "$bin" -n "$RABBITMQ_NODENAME" "$@"
  else
    env HOME="$RMQ_COOKIE_HOME" "$bin" -n "$RABBITMQ_NODENAME" "$@"
  fi
}

# rmq_start : starts the current node detached and waits until it takes connections.
rmq_start() {
  rmq_own "$RMQ_DIR"
  if rmq_answers; then log "rabbitmq $RABBITMQ_NODENAME already running"; return 0; fi
  log "starting rabbitmq $RABBITMQ_NODENAME (amqp port $RABBITMQ_NODE_PORT)"
  if [[ -n "${RMQ_COOKIE_HOME:-}" ]]; then
    rmq_ctl rabbitmq-server -detached >/dev/null 2>&1 || true
  else
    rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  wait_for "rabbitmq $RABBITMQ_NODENAME" 120 rmq_answers
}

# rmq_stop : a clean shutdown of the current node, if it runs.
rmq_stop() {
  if rmq_answers; then
    log "stopping rabbitmq $RABBITMQ_NODENAME"
    rmq_ctl rabbitmqctl -q shutdown >/dev/null 2>&1 || true
  fi
}

# rmq_cookie DIR : a private Erlang cookie in DIR/.erlang.cookie, made once,
# and RMQ_COOKIE_HOME pointing at it: nodes and CLI tools that share it can
# talk to each other, and to no other node on the machine.
rmq_cookie() {
  export RMQ_COOKIE_HOME="$1"
  mkdir -p "$1"
  if [[ ! -s "$1/.erlang.cookie" ]]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$1/.erlang.cookie")
  fi
  chmod 400 "$1/.erlang.cookie"
  rmq_own "$1"
}

# rmq_kill : SIGKILLs the current node's Erlang VM, as a machine loss would.
rmq_kill() {
  [[ -f "$RABBITMQ_PID_FILE" ]] || die "no pid file for $RABBITMQ_NODENAME"
  local pid; pid="$(cat "$RABBITMQ_PID_FILE")"
  log "SIGKILL rabbitmq $RABBITMQ_NODENAME (pid $pid)"
  kill -KILL "$pid"
}
