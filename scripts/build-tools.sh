#!/usr/bin/env bash
# Builds the test infrastructure binaries from the Go module proxy, pinned in
# versions.env, into $ENLARGER_CACHE/bin/<name>-<version>/. Cached builds are
# reused, so a warm machine rebuilds nothing.
# Usage: scripts/build-tools.sh [kube|etcd|kwok|minio|helm|actionlint|otelcol]...
source "$(dirname "$0")/lib.sh"

export GOFLAGS="${GOFLAGS:--buildvcs=false} -trimpath"
export CGO_ENABLED=0
LDFLAGS="-s -w"

# go_build NAME VERSION MODULE PACKAGE BIN
# Builds PACKAGE from a throwaway wrapper module that requires MODULE@VERSION.
# `go install pkg@version` refuses modules whose go.mod has replace directives
# (etcd, minio, helm); as a dependency those are ignored, so this always works.
go_build() {
  local name="$1" version="$2" module="$3" pkg="$4" bin="$5" out; out="$(bin_dir "$name" "$version")"
  if [[ -x "$out/$bin" ]]; then return 0; fi
  need_go
  log "building $name $version from the Go module proxy (first time only, takes minutes)"
  local mod="$ENLARGER_CACHE/src/$name-$version"
  mkdir -p "$mod" "$out"
  (
    cd "$mod"
    printf 'module enlarger.dev/build/%s\n\ngo 1.24\n' "$name" > go.mod
    go get "$pkg@$version"
    go build -ldflags "$LDFLAGS" -o "$out/$bin" "$pkg"
  )
}

build_kube() {
  local out; out="$(bin_dir kube "$K8S_VERSION")"
  local bins=(kube-apiserver kube-controller-manager kube-scheduler)
  if [[ -x "$out/kube-apiserver" && -x "$out/kube-controller-manager" && -x "$out/kube-scheduler" ]]; then return 0; fi
  need_go
  log "building kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION (first time only, ~15 min on 2 cores)"
  # k8s.io/kubernetes refers to its staging modules as v0.0.0 with replace
  # directives into ./staging; as a dependency those replaces don't apply, so
  # this wrapper module pins each staging module to the matching v0.X.Y.
  local mod="$ENLARGER_CACHE/src/kube-$K8S_VERSION" staging="v0.${K8S_VERSION#v1.}"
  mkdir -p "$mod" "$out"
  (
    cd "$mod"
    cat > go.mod <<MOD
module enlarger.dev/kubebuild

go 1.24
MOD
    cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
    go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
    local kdir; kdir="$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION"
    local staging_mods; staging_mods="$(grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging' "$kdir/go.mod" | awk '{print $1}')"
    local m
    for m in $staging_mods; do go mod edit -replace "$m=$m@$staging"; done
    go mod edit -require "k8s.io/kubernetes@$K8S_VERSION"
    go mod tidy -e >/dev/null 2>&1 || true
    go get "k8s.io/kubernetes@$K8S_VERSION"
    local b
    for b in "${bins[@]}"; do
      log "  go build $b"
      go build -tags tools -ldflags "$LDFLAGS" -o "$out/$b" "k8s.io/kubernetes/cmd/$b"
    done
  )
}

build_etcd()  { go_build etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 etcd; }
build_kwok()  { go_build kwok "$KWOK_VERSION" sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok kwok; }
build_minio() { go_build minio "$MINIO_VERSION" github.com/minio/minio github.com/minio/minio minio; }
build_helm()  { go_build helm "$HELM_VERSION" helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm helm; }
build_actionlint() { go_build actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint actionlint; }

# The tracing test's OTLP receiver. The collector project publishes no
# installable distribution to the module proxy (cmd/otelcorecol is not
# tagged), so its own builder (ocb) composes one from core components: the
# OTLP receiver, and the otlphttp exporter that forwards spans as OTLP JSON
# to wherever the test reads them. Core only: contrib's modules triple the build.
build_otelcol() {
  local v="$OTELCOL_VERSION" out; out="$(bin_dir otelcol "$v")"
  if [[ -x "$out/otelcol" ]]; then return 0; fi
  need_go
  log "building an OpenTelemetry Collector $v with its builder (first time only, takes minutes)"
  local src="$ENLARGER_CACHE/src/otelcol-$v"
  mkdir -p "$src" "$out"
  GOBIN="$src/bin" go install "go.opentelemetry.io/collector/cmd/builder@$v"
  cat > "$src/builder.yaml" <<YAML
dist:
  name: otelcol
  description: Enlarger's test OTLP receiver
  output_path: $src/dist
  version: $v
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver $v
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlphttpexporter $v
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter $v
YAML
  "$src/bin/builder" --config "$src/builder.yaml" --ldflags "$LDFLAGS" >/dev/null
  cp "$src/dist/otelcol" "$out/otelcol"
}

# SSIMULACRA2 for `make bench-bytes`, from crates.io (not part of the default set:
# only the bytes benchmark scores images, and it builds in a few minutes).
build_ssimulacra2() {
  local out; out="$(bin_dir ssimulacra2_rs "$SSIMULACRA2_VERSION")"
  if [[ -x "$out/bin/ssimulacra2_rs" ]]; then return 0; fi
  command -v cargo >/dev/null || die "cargo is needed to build ssimulacra2_rs (rustup or Debian's cargo)"
  log "building ssimulacra2_rs $SSIMULACRA2_VERSION from crates.io (first time only, takes minutes)"
  # Without the default `video` feature: it links VapourSynth, which only video scoring needs.
  cargo install --locked --quiet --no-default-features ssimulacra2_rs --version "$SSIMULACRA2_VERSION" --root "$out"
}

targets=("$@")
(( ${#targets[@]} )) || targets=(kube etcd kwok minio helm actionlint otelcol)
for t in "${targets[@]}"; do "build_$t"; done
