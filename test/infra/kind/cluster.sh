#!/usr/bin/env bash
# The kind cluster for the e2e, assembled offline.
#   up:   engine and egress guard (docker.sh), kind and the node image
#         (build.sh, node-image.sh), the cluster of KIND_CONFIG (cluster.yaml:
#         three nodes in two zones), each node's pod network, a host
#         route to its Services, and RabbitMQ and MinIO as pods. Writes the
#         kubeconfig to .run/kind-<cluster>.kubeconfig and endpoints to
#         KIND_ENV (.run/kind.env).
#         With KIND_SOURCE=public, the cluster is the user's own (`kind create
#         cluster`) and RabbitMQ and MinIO come from public images.
#   down: removes all of it and leaves the host as it was.
#   delete: removes this cluster and its route only, leaving the engine, the
#         guard and any other cluster running.
#   check: fails, saying "run make kind-up", unless the engine, .run/kind.env
#         and the cluster's apiserver all answer.
#   load IMAGE: loads a local image into every node.
source "$(dirname "$0")/lib.sh"

ROUTE_STATE="$KIND_RUN/route-$KIND_CLUSTER"
kind() { "$(kind_bin)" "$@"; }
kctl() { kubectl --kubeconfig "$KIND_KUBECONFIG" "$@"; }

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; }
node_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$KIND_NETWORK\").IPAddress}}" "$KIND_CLUSTER-control-plane"; }

# No --wait: the nodes stay NotReady until configure_pod_network has run.
create_cluster() {
  local node_image="$1" config="$KIND_RUN/$KIND_CLUSTER.yaml"
  sed -e "s|__K8S_REPO__|$LOCAL_REPO/k8s|" -e "s|__ETCD_VERSION__|$ETCD_VERSION|" "$KIND_CONFIG" > "$config"
  log "creating kind cluster $KIND_CLUSTER from $node_image ($(basename "$KIND_CONFIG"))"
  kind create cluster --name "$KIND_CLUSTER" --image "$node_image" --config "$config" --kubeconfig "$KIND_KUBECONFIG"
}

# Each node's name, podCIDR and InternalIP, one line each; fails until the
# controller-manager has given every node a podCIDR.
node_cidrs() {
  local rows
  rows="$(kctl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}')"
  [[ -n "$rows" ]] && awk 'NF != 3 {exit 1}' <<<"$rows" && echo "$rows"
}

# The pod network, as kindnetd makes it online: every node's ptp conflist
# hands out that node's own podCIDR, and every node routes each other node's
# podCIDR to that node's address on the kind network (more specific than the
# node's `unreachable` pod range, enlarger-routes.service). Pods get a route
# to each node's address too, and still no default route: a node sends
# another node's pod its packets from its own address (kube-proxy
# masquerades the host's to it), and the pod must be able to answer; the
# kind network's gateway, the host, stays out of reach. Routes first: a node
# turns Ready, and takes pods, when its conflist appears. Routes live in the
# node's network namespace, so a restarted node needs them again
# (reuse_cluster); the conflist stays on its disk.
configure_pod_network() {
  local rows; wait_for "a podCIDR on every node of $KIND_CLUSTER" 120 node_cidrs
  rows="$(node_cidrs)"
  local node_routes; node_routes="$(awk '{printf "%s{ \"dst\": \"%s/32\" }", sep, $3; sep = ", "}' <<<"$rows")"
  local name cidr ip other other_cidr other_ip
  while read -r name cidr ip; do
    while read -r other other_cidr other_ip; do
      [[ "$other" == "$name" ]] && continue
      docker exec "$name" ip route replace "$other_cidr" via "$other_ip"
    done <<<"$rows"
    sed -e "s|__NODE_POD_CIDR__|$cidr|" -e "s|__POD_SUBNET__|$KIND_POD_SUBNET|" -e "s|__SERVICE_SUBNET__|$KIND_SERVICE_SUBNET|" \
      -e "s|__NODE_ROUTES__|$node_routes|" "$KIND_SCRIPTS/ptp.conflist" |
      docker exec -i "$name" sh -c 'cat > /etc/cni/net.d/.10-enlarger-ptp.tmp && mv /etc/cni/net.d/.10-enlarger-ptp.tmp /etc/cni/net.d/10-enlarger-ptp.conflist'
  done <<<"$rows"
  log "pod network of $KIND_CLUSTER: $(awk '{printf "%s%s %s", sep, $1, $2; sep = ", "}' <<<"$rows")"
  kctl wait --for=condition=Ready node --all --timeout=180s >/dev/null
}

# A cluster left by an earlier run comes back with its engine: after dockerd
# restarts, the node containers may be stopped, or running with an apiserver
# that is still starting (a kubectl apply then fails to fetch OpenAPI). So
# every node is started, the apiserver waited for and the pod routes put back;
# one that never answers is recreated by the caller rather than tested on.
reuse_cluster() {
  local node_image="$1" nodes; nodes="$(kind get nodes --name "$KIND_CLUSTER" 2>/dev/null)"
  [[ -n "$nodes" ]] || return 1
  # Made by another version of this lab (other node image, other nodes): recreated, not tested on.
  local image want; want="$(grep -c '^  - role:' "$KIND_CONFIG")"
  image="$(docker inspect -f '{{.Config.Image}}' "$KIND_CLUSTER-control-plane" 2>/dev/null)"
  if [[ "$image" != "$node_image" || "$(wc -l <<<"$nodes")" -ne "$want" ]]; then
    log "kind cluster $KIND_CLUSTER is not this lab's ($image, $(wc -l <<<"$nodes") nodes; want $node_image, $want)"
    return 1
  fi
  # shellcheck disable=SC2086
  docker start $nodes >/dev/null 2>&1 || return 1
  kind get kubeconfig --name "$KIND_CLUSTER" > "$KIND_KUBECONFIG" || return 1
  poll_until 180 kctl get --raw /readyz --request-timeout=5s || return 1
  configure_pod_network
}

# The host reaches ClusterIPs through the node: kube-proxy there DNATs them and,
# as the source is outside the pod range, masquerades, so replies come back.
add_service_route() {
  local ip; ip="$(node_ip)"
  [[ -n "$ip" ]] || die "the node $KIND_CLUSTER-control-plane has no address on the docker network $KIND_NETWORK"
  # Offline, the bridge is ours and named; public, the kernel finds kind's.
  local dev=(); [[ "$KIND_SOURCE" == offline ]] && dev=(dev "$KIND_BRIDGE")
  ip route replace "$KIND_SERVICE_SUBNET" via "$ip" "${dev[@]}"
  echo "$KIND_SERVICE_SUBNET via $ip ${dev[*]}" > "$ROUTE_STATE"
}

# Public: the same Debian package on Debian's public image, and MinIO's own
# image. The tag they get is local, so the manifest still never pulls.
remove_service_route() {
  [[ -f "$ROUTE_STATE" ]] || return 0
  # shellcheck disable=SC2046
  ip route del $(cat "$ROUTE_STATE") 2>/dev/null || true
  rm -f "$ROUTE_STATE"
}

build_rabbitmq_public() {
  local ctx; ctx="$(mktemp -d)"
  printf 'FROM debian:%s-slim\nRUN apt-get update && apt-get install -y --no-install-recommends rabbitmq-server && rm -rf /var/lib/apt/lists/*\nUSER rabbitmq\n' \
    "$DEBIAN_SUITE" > "$ctx/Dockerfile"
  docker build -q -t "$1" "$ctx" >/dev/null; rm -rf "$ctx"
}
build_minio_public() { docker pull -q "$MINIO_PUBLIC_IMAGE" >/dev/null && docker tag "$MINIO_PUBLIC_IMAGE" "$1"; }

build_rabbitmq() {
  local base ctx; base="$("$KIND_SCRIPTS/rootfs.sh" rabbitmq rabbitmq-server)"; need_base "$base"; ctx="$(mktemp -d)"
  printf 'FROM %s\nUSER rabbitmq\n' "$base" > "$ctx/Dockerfile"
  docker build -q --network none -t "$1" "$ctx" >/dev/null; rm -rf "$ctx"
}
build_minio() {
  "$SCRIPTS_DIR/build-tools.sh" minio
  local base; base="$("$KIND_SCRIPTS/rootfs.sh" minbase ca-certificates)"
  binary_image "$1" "$base" "$(bin_dir minio "$MINIO_VERSION")/minio"
}

secret_value() { # NAMESPACE SECRET KEY
  { kctl -n "$1" get secret "$2" -o "jsonpath={.data.$3}" 2>/dev/null || true; } | base64 -d
}

deploy_backing() {
  local rabbitmq="$LOCAL_REPO/rabbitmq:$DEBIAN_SUITE" minio="$LOCAL_REPO/minio:$MINIO_VERSION" public=""
  if [[ "$KIND_SOURCE" == public ]]; then
    public=_public rabbitmq="$LOCAL_REPO/rabbitmq-public:$DEBIAN_SUITE" minio="$LOCAL_REPO/minio-public:${MINIO_PUBLIC_IMAGE##*:}"
  fi
  cached_image "$rabbitmq" "build_rabbitmq$public"
  cached_image "$minio" "build_minio$public"
  kind load docker-image --name "$KIND_CLUSTER" "$rabbitmq" "$minio" >/dev/null
  sed -e "s|__RABBITMQ_IMAGE__|$rabbitmq|" -e "s|__MINIO_IMAGE__|$minio|" "$KIND_SCRIPTS/manifests/backing.yaml" |
    kctl apply -f - >/dev/null
  # Random credentials, made once per cluster.
  local amqp_pass s3_key s3_secret
  amqp_pass="$(secret_value queue rabbitmq password)"
  [[ -n "$amqp_pass" ]] || amqp_pass="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  s3_key="$(secret_value storage minio accessKeyId)"
  [[ -n "$s3_key" ]] || s3_key="enlarger-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  s3_secret="$(secret_value storage minio secretAccessKey)"
  [[ -n "$s3_secret" ]] || s3_secret="$(head -c 30 /dev/urandom | base64 | tr '+/' '-_')"
  kctl -n queue create secret generic rabbitmq --from-literal=password="$amqp_pass" \
    --from-literal=rabbitmq.conf="$(printf 'default_user = enlarger\ndefault_pass = %s\nloopback_users = none\nvm_memory_high_watermark.absolute = 314572800\n' "$amqp_pass")" \
    --dry-run=client -o yaml | kctl apply -f - >/dev/null
  kctl -n storage create secret generic minio --from-literal=accessKeyId="$s3_key" --from-literal=secretAccessKey="$s3_secret" \
    --dry-run=client -o yaml | kctl apply -f - >/dev/null
  kctl -n queue rollout status deploy/rabbitmq --timeout=180s >/dev/null
  kctl -n storage rollout status deploy/minio --timeout=120s >/dev/null
  local s3_ip amqp_ip
  s3_ip="$(kctl -n storage get svc minio -o jsonpath='{.spec.clusterIP}')"
  amqp_ip="$(kctl -n queue get svc rabbitmq -o jsonpath='{.spec.clusterIP}')"
  # Only the offline lab has an egress guard to ask.
  local egress_chain=""; [[ "$KIND_SOURCE" == offline ]] && egress_chain="$EGRESS_CHAIN"
  umask 077
  cat > "$KIND_ENV" <<ENV
# Written by test/infra/kind/cluster.sh up. In-cluster endpoints are what the
# platform's Secrets hold; host endpoints are the same Services by ClusterIP.
KIND_CLUSTER=$KIND_CLUSTER
KIND_KUBECONFIG=$KIND_KUBECONFIG
KIND_SOURCE=$KIND_SOURCE
KIND_EGRESS_CHAIN=$egress_chain
KIND_AMQP_URL=amqp://enlarger:$amqp_pass@rabbitmq.queue.svc:5672
KIND_AMQP_HOST_URL=amqp://enlarger:$amqp_pass@$amqp_ip:5672
KIND_S3_ENDPOINT=http://minio.storage.svc:9000
KIND_S3_HOST_ENDPOINT=http://$s3_ip:9000
KIND_S3_ACCESS_KEY_ID=$s3_key
KIND_S3_SECRET_ACCESS_KEY=$s3_secret
ENV
  log "rabbitmq (queue/rabbitmq) and minio (storage/minio) ready; endpoints in $KIND_ENV"
}

# Public: the cluster is the user's own; this adds what the suite needs to it.
up_public() {
  local start=$SECONDS
  docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info): start Docker first"
  type -P kind >/dev/null 2>&1 || log "no kind on PATH: using the one built from the module proxy"
  cluster_exists || die "no kind cluster named $KIND_CLUSTER: run 'kind create cluster --name $KIND_CLUSTER' first"
  kind get kubeconfig --name "$KIND_CLUSTER" > "$KIND_KUBECONFIG"
  kctl wait --for=condition=Ready node --all --timeout=120s >/dev/null
  if command -v ip >/dev/null 2>&1; then add_service_route; else
    log "no ip(8) here (not Linux?): the host can't reach ClusterIPs, so e2e/kind can't run; the platform still installs"
  fi
  deploy_backing
  log "public kind cluster $KIND_CLUSTER ready in $((SECONDS - start)) s: KUBECONFIG=$KIND_KUBECONFIG"
}

up() {
  [[ "$KIND_SOURCE" == public ]] && { up_public; return; }
  local start=$SECONDS
  "$KIND_SCRIPTS/docker.sh" up
  "$KIND_SCRIPTS/build.sh" kind
  local node_image; node_image="$("$KIND_SCRIPTS/node-image.sh")"
  if cluster_exists && reuse_cluster "$node_image"; then
    log "kind cluster $KIND_CLUSTER already exists and answers"
  else
    cluster_exists && { log "recreating kind cluster $KIND_CLUSTER"; kind delete cluster --name "$KIND_CLUSTER"; }
    create_cluster "$node_image"
    configure_pod_network
  fi
  add_service_route
  deploy_backing
  log "kind cluster $KIND_CLUSTER up in $((SECONDS - start)) s: KUBECONFIG=$KIND_KUBECONFIG"
}

down() {
  if [[ "$KIND_SOURCE" == public ]]; then
    # The cluster is the user's: only what up_public added goes.
    [[ -f "$KIND_KUBECONFIG" ]] && kctl delete namespace queue storage --ignore-not-found --wait=false >/dev/null
    remove_service_route
    rm -f "$KIND_KUBECONFIG" "$KIND_ENV"
    return 0
  fi
  if [[ -x "$(kind_bin)" ]] && docker info >/dev/null 2>&1 && cluster_exists; then
    log "deleting kind cluster $KIND_CLUSTER"
    kind delete cluster --name "$KIND_CLUSTER"
  fi
  remove_service_route
  "$KIND_SCRIPTS/docker.sh" down
  rm -f "$KIND_KUBECONFIG" "$KIND_ENV"
}

# This cluster only: the engine, the guard and the kind network stay for any other.
delete() {
  if [[ -x "$(kind_bin)" ]] && docker info >/dev/null 2>&1 && cluster_exists; then
    log "deleting kind cluster $KIND_CLUSTER"
    kind delete cluster --name "$KIND_CLUSTER"
  fi
  remove_service_route
  rm -f "$KIND_KUBECONFIG" "$KIND_ENV"
}

# Whether the cluster `up` made is there to test on: the engine, the endpoints
# file and the apiserver all answer. Says what to run when one does not.
check() {
  docker info >/dev/null 2>&1 || die "no container engine answers (docker info): run 'make kind-up'"
  [[ -f "$KIND_ENV" ]] || die "no $KIND_ENV: run 'make kind-up'"
  kctl get --raw /readyz --request-timeout=10s >/dev/null 2>&1 ||
    die "kind cluster $KIND_CLUSTER does not answer at $KIND_KUBECONFIG: run 'make kind-up'"
}

# Loads a locally built image into the node, so pods start it without a pull.
load() {
  local img="${1:?usage: cluster.sh load IMAGE}" start=$SECONDS
  kind load docker-image --name "$KIND_CLUSTER" "$img" >/dev/null
  log "loaded $img into $KIND_CLUSTER in $((SECONDS - start)) s"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  delete) delete ;;
  load) load "${2:-}" ;;
  check) check ;;
  *) die "usage: $0 up|down|delete|check|load IMAGE" ;;
esac
