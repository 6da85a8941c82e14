#!/usr/bin/env bash
# A real, local Kubernetes control plane without containers: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes
# whose pods become Running). Binaries are built once from the Go module proxy.
# Usage: scripts/cluster.sh up|down|status
source "$(dirname "$0")/lib.sh"

CLUSTER_DIR="$REPO_ROOT/.cluster"
PKI="$CLUSTER_DIR/pki"
KUBECONFIG_OUT="$CLUSTER_DIR/kubeconfig"
KUBE_BIN="$(bin_dir kube "$K8S_VERSION")"
ETCD_BIN="$(bin_dir etcd "$ETCD_VERSION")/etcd"
KWOK_BIN="$(bin_dir kwok "$KWOK_VERSION")/kwok"
# Ports away from the defaults, so a real cluster on the same machine is untouched.
APISERVER_PORT="${APISERVER_PORT:-16443}"
ETCD_PORT="${ETCD_PORT:-12379}"
NODE_NAME="${KWOK_NODE_NAME:-kwok-node-0}"
# Fake pods get IPs inside 127.0.0.0/8, which Linux routes to loopback: a test
# can bind a real process to a pod's IP and the operator reaches it there, as
# it would reach a real pod (the autoscaler scrapes pods by IP).
POD_CIDR="${KWOK_POD_CIDR:-127.244.0.0/16}"
COMPONENTS=(kwok kube-scheduler kube-controller-manager kube-apiserver etcd)

kubectl_() { kubectl --kubeconfig "$KUBECONFIG_OUT" "$@"; }

gen_pki() {
  [[ -f "$PKI/admin.crt" ]] || log "generating certificates and the service-account key in $PKI"
  "$SCRIPTS_DIR/pki.sh" "$PKI"
}

write_kubeconfig() {
  cat > "$KUBECONFIG_OUT" <<KC
apiVersion: v1
kind: Config
clusters:
- name: enlarger-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: enlarger-admin
  user:
    client-certificate: $PKI/admin.crt
    client-key: $PKI/admin.key
contexts:
- name: enlarger-local
  context: {cluster: enlarger-local, user: enlarger-admin, namespace: default}
current-context: enlarger-local
KC
}

apiserver_ready() { curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null; }
node_ready() { [[ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]; }
default_sa() { kubectl_ -n default get serviceaccount default; }

up() {
  "$SCRIPTS_DIR/build-tools.sh" kube etcd kwok
  mkdir -p "$CLUSTER_DIR/logs"
  gen_pki
  write_kubeconfig
  local logs="$CLUSTER_DIR/logs"

  start_daemon etcd "$logs/etcd.log" "$ETCD_BIN" --name enlarger --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "enlarger=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --quota-backend-bytes 4294967296
  wait_for etcd 60 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  start_daemon kube-apiserver "$logs/kube-apiserver.log" "$KUBE_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.0.0.0/24 \
    --authorization-mode Node,RBAC --allow-privileged=true \
    --enable-priority-and-fairness=false
  log "waiting for kube-apiserver on :$APISERVER_PORT"
  wait_for kube-apiserver 120 apiserver_ready

  start_daemon kube-controller-manager "$logs/kube-controller-manager.log" "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig "$KUBECONFIG_OUT" --authentication-kubeconfig "$KUBECONFIG_OUT" --authorization-kubeconfig "$KUBECONFIG_OUT" \
    --bind-address 127.0.0.1 --secure-port "$((APISERVER_PORT + 1))" --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --controllers '*' --concurrent-gc-syncs 5

  start_daemon kube-scheduler "$logs/kube-scheduler.log" "$KUBE_BIN/kube-scheduler" \
    --kubeconfig "$KUBECONFIG_OUT" --authentication-kubeconfig "$KUBECONFIG_OUT" --authorization-kubeconfig "$KUBECONFIG_OUT" \
    --bind-address 127.0.0.1 --secure-port "$((APISERVER_PORT + 2))" --leader-elect=false

  start_daemon kwok "$logs/kwok.log" "$KWOK_BIN" --kubeconfig "$KUBECONFIG_OUT" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 10.244.0.1 --cidr "$POD_CIDR" --node-lease-duration-seconds 40 \
    --server-address "127.0.0.1:$((APISERVER_PORT + 3))"

  kubectl_ apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $NODE_NAME
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: $NODE_NAME, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
status:
  allocatable: {cpu: "64", memory: 256Gi, pods: "250"}
  capacity: {cpu: "64", memory: 256Gi, pods: "250"}
NODE
  log "waiting for node $NODE_NAME to be Ready and the default service account to exist"
  wait_for "node $NODE_NAME Ready" 120 node_ready
  wait_for "default service account" 120 default_sa
  log "cluster ready: export KUBECONFIG=$KUBECONFIG_OUT"
}

down() {
  local c
  for c in "${COMPONENTS[@]}"; do stop_daemon "$c"; done
  rm -rf "$CLUSTER_DIR"
}

status() {
  local c ok=0
  for c in "${COMPONENTS[@]}"; do
    if is_running "$c"; then echo "$c: running (pid $(cat "$RUN_DIR/$c.pid"))"; else echo "$c: stopped"; ok=1; fi
  done
  return $ok
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
