#!/usr/bin/env bash
# A RabbitMQ node that speaks AMQP over TLS only, for the TLS test: node
# enlarger-tls@localhost on amqps port 5711 (never the shared broker), with a
# CA, a server certificate and a client certificate made by openssl at start.
# The node verifies a client certificate when one is offered, and asks for none.
# Usage: scripts/rabbitmq-tls.sh up|down|peers
#   up prints the directory holding ca.pem, client.pem and client-key.pem.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq-node.sh"

PORT="${RMQ_TLS_PORT:-5711}"
BASE="${RMQ_TLS_DIR:-${TMPDIR:-/tmp}/enlarger-rabbitmq-tls}"
CERTS="$BASE/certs"
export RMQ_COOKIE_HOME="$BASE/home"
rmq_node "${RMQ_TLS_NODENAME:-enlarger-tls@localhost}" "$PORT" "$BASE/node"
export RABBITMQ_DIST_PORT=$((PORT + 20000))

# sign NAME SUBJECT EXT : a key and a certificate signed by the test CA.
sign() {
  openssl req -new -newkey rsa:2048 -nodes -subj "$2" -keyout "$CERTS/$1-key.pem" -out "$CERTS/$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$CERTS/$1.ext"
  openssl x509 -req -in "$CERTS/$1.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" -CAcreateserial \
    -days 2 -extfile "$CERTS/$1.ext" -out "$CERTS/$1.pem" 2>/dev/null
}

certificates() {
  mkdir -p "$CERTS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=enlarger test CA" \
    -keyout "$CERTS/ca-key.pem" -out "$CERTS/ca.pem" 2>/dev/null
  sign server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
  sign client "/CN=enlarger-client" "extendedKeyUsage=clientAuth"
}

up() {
  ensure_packages rabbitmq-server openssl
  # Fresh certificates and a fresh node each time: nothing outlives a test run.
  down
  rmq_cookie "$RMQ_COOKIE_HOME"
  rmq_node "$RABBITMQ_NODENAME" "$PORT" "$BASE/node"
  certificates
  rmq_config "listeners.tcp = none" "listeners.ssl.default = 127.0.0.1:$PORT" "loopback_users = none" \
    "ssl_options.cacertfile = $CERTS/ca.pem" "ssl_options.certfile = $CERTS/server.pem" \
    "ssl_options.keyfile = $CERTS/server-key.pem" "ssl_options.verify = verify_peer" \
    "ssl_options.fail_if_no_peer_cert = false"
  rmq_own "$BASE"
  rmq_start
  log "rabbitmq TLS ready: amqps://guest:guest@localhost:$PORT (CA $CERTS/ca.pem)"
  echo "$CERTS"
}

down() {
  rmq_stop
  if [[ -f "$RABBITMQ_PID_FILE" ]]; then kill -KILL "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || true; fi
  rm -rf "$BASE"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  # The subject of each connection's client certificate, one per line.
  peers) rmq_ctl rabbitmqctl -q list_connections peer_cert_subject --no-table-headers ;;
  *) die "usage: $0 up|down|peers" ;;
esac
