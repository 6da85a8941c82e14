#!/usr/bin/env bash
# A three-node RabbitMQ cluster on loopback, for the broker-failover test:
# Debian's rabbitmq-server as nodes enlarger-q1..3@localhost on AMQP ports
# 5701..5703, with a cookie and data dirs of their own (never the shared
# enlarger@localhost node).
# Usage: scripts/rabbitmq-cluster.sh up|down|urls|kill N|leader QUEUE
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq-node.sh"

PREFIX="${RMQ_CLUSTER_PREFIX:-enlarger-q}"
BASE_PORT="${RMQ_CLUSTER_PORT:-5701}"
BASE="${RMQ_CLUSTER_DIR:-${TMPDIR:-/tmp}/enlarger-rabbitmq-cluster}"
NODES=(1 2 3)
export RMQ_COOKIE_HOME="$BASE/home"

name() { echo "$PREFIX$1@localhost"; }

# use N : points the RABBITMQ_* variables (and the Erlang distribution port) at node N.
use() {
  rmq_node "$(name "$1")" $((BASE_PORT + $1 - 1)) "$BASE/node$1"
  export RABBITMQ_DIST_PORT=$((BASE_PORT + $1 - 1 + 20000))
}

configure() {
  local peers=() i
  for i in "${NODES[@]}"; do peers+=("cluster_formation.classic_config.nodes.$i = $(name "$i")"); done
  rmq_config "listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT" "loopback_users = none" \
    "cluster_formation.peer_discovery_backend = classic_config" "${peers[@]}"
}

all_answer() { local i; for i in "${NODES[@]}"; do use "$i"; rmq_answers || return 1; done; }

# nodes : how many nodes node 1 sees running in its cluster. Only running_nodes
# counts: disk_nodes lists members that are down too, and a quorum queue
# declared before every node runs gets fewer members than the test assumes.
running_nodes() {
  use 1
  rmq_ctl rabbitmqctl -q cluster_status --formatter json | grep -o '"running_nodes":\[[^]]*\]' |
    grep -o "\"$PREFIX[0-9]@localhost\"" | sort -u | wc -l
}

urls() {
  local i out=()
  for i in "${NODES[@]}"; do out+=("amqp://guest:guest@127.0.0.1:$((BASE_PORT + i - 1))"); done
  (IFS=,; echo "${out[*]}")
}

up() {
  ensure_packages rabbitmq-server
  rmq_cookie "$BASE/home"
  if all_answer; then log "cluster already running"; urls; return 0; fi
  # A half-dead cluster from an earlier run (a killed node, say) is started
  # afresh: restarting nodes of an old cluster in the wrong order can wait on
  # each other for minutes.
  down
  rmq_cookie "$BASE/home"
  # The first node forms the cluster; the others find it in classic_config and join.
  local i
  for i in "${NODES[@]}"; do use "$i"; configure; rmq_start; done
  wait_for "3 clustered nodes" 60 bash -c "[[ \$('$0' nodes) -eq 3 ]]"
  log "cluster ready: $(urls)"
  urls
}

down() {
  local i
  for i in "${NODES[@]}"; do
    use "$i"
    rmq_stop
    # A node that ignores the shutdown (or was half-started) is ended by its own pid, not by name.
    if [[ -f "$RABBITMQ_PID_FILE" ]]; then kill -KILL "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || true; fi
  done
  rm -rf "$BASE"
}

# leader QUEUE : the node leading a quorum queue, asked of any node that answers.
leader() {
  local i
  for i in "${NODES[@]}"; do
    use "$i"
    rmq_answers || continue
    rmq_ctl rabbitmqctl -q list_queues name leader --no-table-headers | awk -v q="$1" '$1 == q {print $2}'
    return 0
  done
  die "no node answers"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  urls) urls ;;
  nodes) running_nodes ;;
  kill) use "${2:?node number}"; rmq_kill ;;
  leader) leader "${2:?queue name}" ;;
  *) die "usage: $0 up|down|urls|kill N|leader QUEUE" ;;
esac
