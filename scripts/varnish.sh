#!/usr/bin/env bash
# Installs (if missing) and starts a Varnish of our own in front of a resizer,
# running the shipped recipe deploy/cdn/varnish/enlarger.vcl unchanged.
# Usage: scripts/varnish.sh up|down|status|env
#   VARNISH_PORT (6081), VARNISH_ADMIN_PORT (6082): loopback ports.
#   VARNISH_BACKEND (127.0.0.1:8081): the resizer it caches, `enlarger dev`'s by default.
# Tests load their own VCL into it (the same recipe, their own backend) with varnishadm.
source "$(dirname "$0")/lib.sh"

VARNISH_PORT="${VARNISH_PORT:-6081}"
VARNISH_ADMIN_PORT="${VARNISH_ADMIN_PORT:-6082}"
VARNISH_BACKEND="${VARNISH_BACKEND:-127.0.0.1:8081}"
# Its own instance name (-n): a workdir, shared memory log and admin secret of
# its own, so it never touches a system varnishd and varnishadm finds it by path.
WORKDIR="$RUN_DIR/varnish"
RECIPE="$REPO_ROOT/deploy/cdn/varnish/enlarger.vcl"

install() { ensure_packages varnish varnish-modules; }

answers() { varnishadm -n "$WORKDIR" ping >/dev/null 2>&1; }

up() {
  install
  mkdir -p "$WORKDIR"
  cat > "$WORKDIR/boot.vcl" <<VCL
vcl 4.1;
backend resizer { .host = "${VARNISH_BACKEND%:*}"; .port = "${VARNISH_BACKEND##*:}"; .first_byte_timeout = 15s; }
include "$RECIPE";
VCL
  if answers; then log "varnish already running"; return 0; fi
  # Debian's package does not start a service here; this varnishd is ours.
  # -j none: no privilege drop, so it reads the recipe and the tests' VCL where they are.
  start_daemon varnish "$RUN_DIR/varnish.log" varnishd -F -j none -n "$WORKDIR" \
    -a "127.0.0.1:$VARNISH_PORT" -T "127.0.0.1:$VARNISH_ADMIN_PORT" \
    -f "$WORKDIR/boot.vcl" -s malloc,128m
  wait_for "varnish" 60 answers
  log "varnish ready: http://127.0.0.1:$VARNISH_PORT (backend $VARNISH_BACKEND, admin: varnishadm -n $WORKDIR)"
}

down() { stop_daemon varnish; }

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) answers && echo running || { echo stopped; exit 1; } ;;
  # The lines deps.sh writes into .run/test.env.
  env) printf 'VARNISH_URL=http://127.0.0.1:%s\nVARNISH_WORKDIR=%s\n' "$VARNISH_PORT" "$WORKDIR" ;;
  *) die "usage: $0 up|down|status|env" ;;
esac
