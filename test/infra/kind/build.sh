#!/usr/bin/env bash
# Builds what a kind node needs that Debian doesn't ship, from the Go module
# proxy at the versions pinned in versions.env, cached in
# $ENLARGER_CACHE/bin/<name>-<version>/: kind itself; kubelet, kubeadm,
# kube-proxy and kubectl (with version ldflags: without them the node reports
# v0.0.0-master); CoreDNS; crictl; and the pause binary, compiled from the C source in
# the kubernetes module. One build at a time: the machine has two cores.
# Usage: test/infra/kind/build.sh [kind|kube-node|coredns|crictl|pause]...
source "$(dirname "$0")/lib.sh"

export GOFLAGS="${GOFLAGS:--buildvcs=false} -trimpath"
export CGO_ENABLED=0

build_kind() {
  local out; out="$(bin_dir kind "$KIND_VERSION")"
  [[ -x "$out/kind" ]] && return 0
  need_go
  log "building kind $KIND_VERSION (first time only, ~2 min)"
  GOBIN="$out" go install -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION"
}

# Same wrapper-module trick as scripts/build-tools.sh build_kube: pin every
# staging module k8s.io/kubernetes replaces into ./staging to its v0.X.Y.
build_kube_node() {
  local out; out="$(kube_node_dir)"
  local bins=(kubelet kubeadm kube-proxy kubectl) b missing=0
  for b in "${bins[@]}"; do [[ -x "$out/$b" ]] || missing=1; done
  (( missing )) || return 0
  need_go
  log "building kubelet, kubeadm, kube-proxy, kubectl $K8S_VERSION (first time only, ~10 min on 2 cores)"
  local mod="$ENLARGER_CACHE/src/kube-node-$K8S_VERSION" staging="v0.${K8S_VERSION#v1.}"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local v=k8s.io/component-base/version
  local ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  mkdir -p "$mod" "$out"
  (
    cd "$mod"
    printf 'module enlarger.dev/kubenodebuild\n\ngo 1.24\n' > go.mod
    {
      printf '//go:build tools\n\npackage tools\n\nimport (\n'
      for b in "${bins[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
      printf ')\n'
    } > tools.go
    go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
    local kdir; kdir="$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION"
    local m
    for m in $(grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging' "$kdir/go.mod" | awk '{print $1}'); do
      go mod edit -replace "$m=$m@$staging"
    done
    go mod edit -require "k8s.io/kubernetes@$K8S_VERSION"
    go mod tidy -e >/dev/null 2>&1 || true
    go get "k8s.io/kubernetes@$K8S_VERSION"
    for b in "${bins[@]}"; do
      [[ -x "$out/$b" ]] && continue
      log "  go build $b"
      go build -tags tools -ldflags "$ldflags" -o "$out/$b.tmp" "k8s.io/kubernetes/cmd/$b"
      mv "$out/$b.tmp" "$out/$b"
    done
  )
}

build_coredns() {
  local out; out="$(bin_dir coredns "$COREDNS_VERSION")"
  [[ -x "$out/coredns" ]] && return 0
  need_go
  log "building coredns $COREDNS_VERSION (first time only, ~3 min)"
  local mod="$ENLARGER_CACHE/src/coredns-$COREDNS_VERSION"
  mkdir -p "$mod" "$out"
  (
    cd "$mod"
    printf 'module enlarger.dev/build/coredns\n\ngo 1.24\n' > go.mod
    go get "github.com/coredns/coredns@$COREDNS_VERSION"
    go build -ldflags "-s -w" -o "$out/coredns.tmp" github.com/coredns/coredns
    mv "$out/coredns.tmp" "$out/coredns"
  )
}

# kind's node images ship crictl: `kind load` runs `crictl inspecti` in the
# node to skip images it already has; without it every load re-imports all.
build_crictl() {
  local out; out="$(bin_dir crictl "$CRICTL_VERSION")"
  [[ -x "$out/crictl" ]] && return 0
  need_go
  log "building crictl $CRICTL_VERSION (first time only, ~5 min on 2 cores)"
  GOBIN="$out" go install -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
    "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
}

# The pause container's binary, from kubernetes' own build/pause/linux/pause.c,
# linked statically so the image needs nothing else.
build_pause() {
  local out; out="$(bin_dir pause "$K8S_VERSION")"
  [[ -x "$out/pause" && -f "$out/TAG" ]] && return 0
  need_go
  ensure_packages gcc libc6-dev
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
  local dir; dir="$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION/build/pause"
  mkdir -p "$out"
  gcc -Os -static -Wall -Werror -DVERSION="$K8S_VERSION" -o "$out/pause" "$dir/linux/pause.c"
  strip "$out/pause"
  # The tag kubernetes publishes this source under (TAG ?= in its Makefile).
  awk -F' [?]= ' '/^TAG [?]=/ {print $2}' "$dir/Makefile" > "$out/TAG"
}

targets=("$@")
(( ${#targets[@]} )) || targets=(kind kube-node coredns crictl pause)
for t in "${targets[@]}"; do "build_${t//-/_}"; done
