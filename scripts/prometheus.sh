#!/usr/bin/env bash
# Caches Debian's Prometheus (prometheus and promtool) in
# $ENLARGER_CACHE/bin/prometheus-<version>/ for the monitoring tests.
# The package is downloaded and unpacked, not installed: installing would
# start a system Prometheus on :9090 (where media's admin port defaults) and
# need root; the tests start their own on a free port.
# Usage: scripts/prometheus.sh [path]   (path prints the directory of the binaries)
source "$(dirname "$0")/lib.sh"

DIR="$(bin_dir prometheus "$PROMETHEUS_VERSION")"

install() {
  [[ -x "$DIR/prometheus" && -x "$DIR/promtool" ]] && return 0
  log "caching Debian's prometheus $PROMETHEUS_VERSION in $DIR"
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  # apt-get download writes to the current directory; `_apt` may not enter a private temp dir, hence the chmod.
  chmod 755 "$work"
  ( cd "$work" && { apt-get download -q "prometheus=$PROMETHEUS_VERSION" >/dev/null 2>&1 \
      || { local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"; $sudo apt-get update -q >/dev/null \
      && apt-get download -q "prometheus=$PROMETHEUS_VERSION" >/dev/null; }; } ) \
    || die "apt-get download prometheus=$PROMETHEUS_VERSION failed: on Debian bookworm, set PROMETHEUS_VERSION in scripts/versions.env to the candidate of 'apt-cache policy prometheus'"
  dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
  mkdir -p "$DIR"
  cp "$work/root/usr/bin/prometheus" "$work/root/usr/bin/promtool" "$DIR/"
  "$DIR/promtool" --version >/dev/null || die "the unpacked promtool does not run"
}

case "${1:-install}" in
  install) install ;;
  path) echo "$DIR" ;;
  *) die "usage: $0 [install|path]" ;;
esac
