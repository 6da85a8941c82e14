#!/usr/bin/env bash
# Starts everything the integration tests need (RabbitMQ, MinIO, the control
# plane, Varnish) and writes their endpoints to .run/test.env. Each part is skipped when its variable is already set, so a
# user can point the tests at their own RabbitMQ (AMQP_URL), S3 server
# (S3_ENDPOINT + S3_ACCESS_KEY_ID + S3_SECRET_ACCESS_KEY) or cluster (KUBECONFIG).
# Usage: scripts/deps.sh up|down
source "$(dirname "$0")/lib.sh"

ENV_FILE="$RUN_DIR/test.env"

up() {
  local started=$SECONDS
  if [[ -z "${AMQP_URL:-}" ]]; then
    "$SCRIPTS_DIR/rabbitmq.sh" up
    AMQP_URL="amqp://guest:guest@127.0.0.1:5672"
    RABBITMQ_MANAGEMENT_URL="http://guest:guest@127.0.0.1:15672"
  else
    log "using AMQP_URL from the environment; not starting RabbitMQ"
  fi
  if [[ -z "${S3_ENDPOINT:-}" ]]; then
    "$SCRIPTS_DIR/minio.sh" up
    S3_ENDPOINT="http://127.0.0.1:9000"
    S3_ACCESS_KEY_ID="enlarger"
    S3_SECRET_ACCESS_KEY="enlarger-secret"
  else
    log "using S3_ENDPOINT from the environment; not starting MinIO"
  fi
  if [[ -z "${KUBECONFIG:-}" ]]; then
    "$SCRIPTS_DIR/cluster.sh" up
    KUBECONFIG="$REPO_ROOT/.cluster/kubeconfig"
  else
    log "using KUBECONFIG=$KUBECONFIG from the environment; not starting the local control plane"
  fi
  # Built here, not by the tests that use them, so a cold build (the Collector takes minutes) counts against
  # `make deps` and not against a test's timeout: helm for the chart's tests, otelcol for the tracing test.
  if command -v go >/dev/null 2>&1; then "$SCRIPTS_DIR/build-tools.sh" helm otelcol; fi
  # Prometheus and promtool for the chart's monitoring tests, from Debian's package.
  if command -v apt-get >/dev/null 2>&1; then "$SCRIPTS_DIR/prometheus.sh"; fi
  # Varnish with the shipped recipe VCL, for the CDN tests (they load their own backend into it).
  "$SCRIPTS_DIR/varnish.sh" up
  cat > "$ENV_FILE" <<ENV
AMQP_URL=$AMQP_URL
RABBITMQ_MANAGEMENT_URL=${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}
S3_ENDPOINT=$S3_ENDPOINT
S3_REGION=${S3_REGION:-us-east-1}
S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID
S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
KUBECONFIG=$KUBECONFIG
HELM=$(bin_dir helm "$HELM_VERSION")/helm
PROMETHEUS_DIR=$("$SCRIPTS_DIR/prometheus.sh" path)
$("$SCRIPTS_DIR/varnish.sh" env)
ENV
  log "test infrastructure ready in $((SECONDS - started))s; endpoints in $ENV_FILE"
}

down() {
  "$SCRIPTS_DIR/varnish.sh" down
  "$SCRIPTS_DIR/cluster.sh" down
  "$SCRIPTS_DIR/minio.sh" down
  "$SCRIPTS_DIR/rabbitmq.sh" down
  rm -f "$ENV_FILE"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
