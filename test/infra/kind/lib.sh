# Shared settings for the kind scripts. Source it; don't run it.
# shellcheck source=../../../scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/scripts/lib.sh"

KIND_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KIND_CACHE="$ENLARGER_CACHE/kind"
KIND_RUN="$RUN_DIR/kind"
KIND_CLUSTER="${KIND_CLUSTER:-enlarger-e2e}"
# Where the cluster's images come from:
#   offline (CI, this machine): everything built here from Debian's packages and
#     the module proxy, nothing pulled, behind the egress guard;
#   public (a laptop with Docker and internet): the user's own `kind create
#     cluster`, the Dockerfile built as it is, RabbitMQ and MinIO from public images.
KIND_SOURCE="${KIND_SOURCE:-offline}"
[[ "$KIND_SOURCE" == offline || "$KIND_SOURCE" == public ]] || die "KIND_SOURCE must be offline or public, got \"$KIND_SOURCE\""
# Offline, a docker network of our own, with a fixed subnet and bridge name, so
# the egress guard can name it and tear-down can remove it. kind uses it through
# KIND_EXPERIMENTAL_DOCKER_NETWORK. Public, kind's own network.
if [[ "$KIND_SOURCE" == public ]]; then KIND_NETWORK="${KIND_NETWORK:-kind}"; fi
KIND_NETWORK="${KIND_NETWORK:-enlarger-kind}"
KIND_BRIDGE="${KIND_BRIDGE:-enlarger-kind0}"
KIND_SUBNET="${KIND_SUBNET:-172.30.0.0/16}"
KIND_GATEWAY="${KIND_GATEWAY:-172.30.0.1}"
# The offline cluster's kind config: cluster.yaml, three nodes in two zones.
# It owns the cluster's pod and Service ranges; the scripts read them from it.
KIND_CONFIG="${KIND_CONFIG:-$KIND_SCRIPTS/cluster.yaml}"
kind_config_value() { awk -v k="$1:" '$1 == k {print $2; exit}' "$KIND_CONFIG"; }
KIND_POD_SUBNET="$(kind_config_value podSubnet)"
KIND_SERVICE_SUBNET="$(kind_config_value serviceSubnet)"
[[ -n "$KIND_POD_SUBNET" && -n "$KIND_SERVICE_SUBNET" ]] || die "$KIND_CONFIG names no podSubnet or serviceSubnet"
KIND_KUBECONFIG="$RUN_DIR/kind-$KIND_CLUSTER.kubeconfig"
# The endpoints cluster.sh up writes for the e2e and sample.sh.
KIND_ENV="${KIND_ENV:-$RUN_DIR/kind.env}"
# The firewall chain DOCKER-USER jumps to; its last rule drops, and counts,
# anything forwarded from the docker or kind bridges to the outside.
EGRESS_CHAIN=ENLARGER-EGRESS
# Tag of every image built here: the name says it is local, the tag which
# inputs made it.
LOCAL_REPO=enlarger.local
mkdir -p "$KIND_CACHE" "$KIND_RUN"

export KIND_EXPERIMENTAL_DOCKER_NETWORK="$KIND_NETWORK"
# Offline, the kind built from the module proxy; public, the user's own.
kind_bin() {
  # type -P, not command -v: cluster.sh defines a function named kind, which command -v would find.
  if [[ "$KIND_SOURCE" == public ]] && type -P kind >/dev/null 2>&1; then type -P kind; return; fi
  echo "$(bin_dir kind "$KIND_VERSION")/kind"
}
kube_node_dir() { bin_dir kube-node "$K8S_VERSION"; }

# cached_image IMAGE BUILD_FUNCTION: makes IMAGE present in the engine: it is
# there already, or `docker load` from $KIND_CACHE/images, or BUILD_FUNCTION
# IMAGE builds it and `docker save` caches it for a fresh engine.
cached_image() {
  local image="$1" build="$2" tar
  tar="$KIND_CACHE/images/$(tr '/:' '__' <<<"$image").tar"
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  if [[ -f "$tar" ]]; then
    log "loading $image from the cache"
    docker load -i "$tar" >/dev/null
    return 0
  fi
  "$build" "$image"
  mkdir -p "$KIND_CACHE/images"
  docker save -o "$tar.tmp" "$image" && mv "$tar.tmp" "$tar"
}

# need_base IMAGE: dies when IMAGE is empty. A base image's name comes from a
# command substitution, whose failure an argument list would swallow: callers
# assign it to a variable first (set -e stops there) and check it with this
# before writing a Dockerfile, so none ever says a bare `FROM`.
need_base() {
  [[ -n "$1" ]] || die "a base image's name is empty: the step that builds it failed (see above)"
}

# binary_image IMAGE BASE FILE...: an image FROM BASE holding FILEs in
# /usr/local/bin, built with no network.
binary_image() {
  local image="$1" base="$2"; shift 2
  need_base "$base"
  local ctx; ctx="$(mktemp -d)"
  cp "$@" "$ctx/"
  {
    echo "FROM $base"
    echo "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    local f
    for f in "$@"; do echo "COPY $(basename "$f") /usr/local/bin/"; done
  } > "$ctx/Dockerfile"
  docker build -q --network none -t "$image" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# An empty base for static binaries: `FROM scratch` can't hold the directories
# some of them write to, so this is scratch plus /tmp.
scratch_base() {
  local image="$LOCAL_REPO/scratch-tmp:1"
  docker image inspect "$image" >/dev/null 2>&1 && { echo "$image"; return 0; }
  local ctx; ctx="$(mktemp -d)"
  mkdir -m 1777 "$ctx/tmp"
  printf 'FROM scratch\nCOPY tmp /tmp\n' > "$ctx/Dockerfile"
  docker build -q --network none -t "$image" "$ctx" >/dev/null
  rm -rf "$ctx"
  echo "$image"
}
