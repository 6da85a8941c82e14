#!/usr/bin/env bash
# Assembles the kind node image offline (`kind build node-image` fetches
# coredns, etcd, pause, kindnetd and local-path images from public
# registries, so it can't run here) and preloads every image kubeadm needs,
# all built from the binaries cached by scripts/build-tools.sh and build.sh.
# kubeadm is told to take them from $LOCAL_REPO/k8s (cluster.yaml), a name
# nothing can be pulled from. Prints the node image's name.
source "$(dirname "$0")/lib.sh"

NODE_PACKAGES=systemd,dbus,containerd,runc,containernetworking-plugins,iptables,nftables,iproute2,conntrack,ethtool,kmod,mount,util-linux,procps,libseccomp2,pigz,jq,curl,ca-certificates,bash
K8S_REPO="$LOCAL_REPO/k8s"

build_control_plane() { # IMAGE: kube-apiserver, -controller-manager, -scheduler
  local name="${1##*/}"; name="${name%%:*}"
  local base; base="$(scratch_base)"
  binary_image "$1" "$base" "$KUBE_BIN/$name"
}
build_kube_proxy() { # kube-proxy runs iptables-restore and conntrack
  local base; base="$("$KIND_SCRIPTS/rootfs.sh" iptables iptables,conntrack)"
  binary_image "$1" "$base" "$NODE_BIN/kube-proxy"
}
build_etcd() { local base; base="$(scratch_base)"; binary_image "$1" "$base" "$(bin_dir etcd "$ETCD_VERSION")/etcd"; }
build_coredns() {
  local base ctx; base="$(scratch_base)"; need_base "$base"; ctx="$(mktemp -d)"
  cp "$(bin_dir coredns "$COREDNS_VERSION")/coredns" "$ctx/"
  printf 'FROM %s\nCOPY coredns /coredns\nENTRYPOINT ["/coredns"]\n' "$base" > "$ctx/Dockerfile"
  docker build -q --network none -t "$1" "$ctx" >/dev/null; rm -rf "$ctx"
}
build_pause() {
  local ctx; ctx="$(mktemp -d)"
  cp "$(bin_dir pause "$K8S_VERSION")/pause" "$ctx/"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' > "$ctx/Dockerfile"
  docker build -q --network none -t "$1" "$ctx" >/dev/null; rm -rf "$ctx"
}

build_node() {
  local image="$1" ctx; ctx="$(mktemp -d)"
  local base; base="$("$KIND_SCRIPTS/rootfs.sh" node "$NODE_PACKAGES")"; need_base "$base"
  log "assembling $image"
  cp -r "$(go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VERSION/images/base/files" "$ctx/kind-files"
  chmod -R u+w "$ctx/kind-files"
  rm -rf "$ctx/kind-files/etc/containerd" "$ctx/kind-files/etc/systemd/system/containerd-fuse-overlayfs.service"
  # kind's entrypoint looks up host.docker.internal, which docker's embedded
  # DNS forwards upstream from the node's network: a query leaving the machine
  # (the egress guard counts it) and a 5 s timeout. The default gateway it
  # falls back to is the right answer here.
  sed -i "/getent ahostsv4 'host.docker.internal'/c\\  docker_host_ip=''" "$ctx/kind-files/usr/local/bin/entrypoint"
  grep -q "host.docker.internal" "$ctx/kind-files/usr/local/bin/entrypoint" && die "kind's entrypoint changed: update node-image.sh"
  mkdir "$ctx/bin"
  cp "$NODE_BIN"/{kubelet,kubeadm,kubectl} "$(bin_dir crictl "$CRICTL_VERSION")/crictl" "$ctx/bin/"
  sed "s|@PAUSE_IMAGE@|$K8S_REPO/pause:$PAUSE_TAG|" "$KIND_SCRIPTS/node/containerd.toml" > "$ctx/containerd.toml"
  cp "$KIND_SCRIPTS/node/Dockerfile" "$KIND_SCRIPTS/node/enlarger-routes.service" "$ctx/"
  echo "$K8S_VERSION" > "$ctx/version"
  docker build -q --network none --build-arg BASE="$base" -t "$image-stage" "$ctx" >/dev/null
  rm -rf "$ctx"

  # Preload the way `kind build node-image` does: run the node's containerd
  # in a throwaway container, import without unpacking, commit.
  log "preloading ${#images[@]} images into $image"
  local cid; cid="$(docker run -d --network none --entrypoint /bin/sleep "$image-stage" infinity)"
  docker exec -d "$cid" containerd
  wait_for "containerd in the node image" 60 docker exec "$cid" ctr version
  docker save "${images[@]}" |
    docker exec -i "$cid" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
      --all-platforms --no-unpack --digests - >/dev/null
  docker exec "$cid" sh -c 'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.2; done'
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'CMD []' \
    "$cid" "$image" >/dev/null
  docker rm -f "$cid" >/dev/null
  docker rmi "$image-stage" >/dev/null
}



# The binaries first: the image list needs the pause source's tag.
KUBE_BIN="$(bin_dir kube "$K8S_VERSION")"
NODE_BIN="$(kube_node_dir)"
"$KIND_SCRIPTS/build.sh" kube-node coredns crictl pause
[[ -x "$KUBE_BIN/kube-apiserver" ]] || "$SCRIPTS_DIR/build-tools.sh" kube
[[ -x "$(bin_dir etcd "$ETCD_VERSION")/etcd" ]] || "$SCRIPTS_DIR/build-tools.sh" etcd
PAUSE_TAG="$(cat "$(bin_dir pause "$K8S_VERSION")/TAG")"

images=(
  "$K8S_REPO/kube-apiserver:$K8S_VERSION"
  "$K8S_REPO/kube-controller-manager:$K8S_VERSION"
  "$K8S_REPO/kube-scheduler:$K8S_VERSION"
  "$K8S_REPO/kube-proxy:$K8S_VERSION"
  "$K8S_REPO/etcd:$ETCD_VERSION"
  "$K8S_REPO/coredns:$COREDNS_VERSION"
  "$K8S_REPO/pause:$PAUSE_TAG"
)

for img in "${images[@]:0:3}"; do cached_image "$img" build_control_plane; done
cached_image "${images[3]}" build_kube_proxy
cached_image "${images[4]}" build_etcd
cached_image "${images[5]}" build_coredns
cached_image "${images[6]}" build_pause

# The node image's tag covers everything that goes into it.
key="$( {
  echo "$K8S_VERSION $ETCD_VERSION $COREDNS_VERSION $CRICTL_VERSION $KIND_VERSION $PAUSE_TAG $NODE_PACKAGES $DEBIAN_SUITE"
  cat "$KIND_SCRIPTS/node/"* "$KIND_SCRIPTS/node-image.sh"
} | sha256sum | cut -c1-12)"
node_image="$LOCAL_REPO/kind-node:$K8S_VERSION-$key"
cached_image "$node_image" build_node
echo "$node_image"
