#!/usr/bin/env bash
# A runc for machines whose capability bounding set lacks CAP_SYS_RESOURCE:
# `--privileged` containers (kind nodes) ask for every capability and runc
# fails with "unable to apply caps: operation not permitted". This drops that
# one capability from the OCI spec on create/run/exec, then runs the real runc.
# dockerd uses it as its default runtime only where it is needed (docker.sh).
set -euo pipefail
REAL_RUNC="${ENLARGER_REAL_RUNC:-/usr/sbin/runc}"
CAP=CAP_SYS_RESOURCE
drop='(.. | objects | select(has("bounding"))) |= with_entries(if (.value | type) == "array" then .value |= map(select(. != "'$CAP'")) else . end)'

strip() { # strip FILE: rewrites an OCI spec or process file in place
  local f="$1" tmp
  [[ -f "$f" ]] || return 0
  tmp="$(mktemp "$f.XXXXXX")"
  jq -c "$drop" "$f" >"$tmp" && mv "$tmp" "$f"
}

cmd="" bundle="" process="" prev=""
for a in "$@"; do
  case "$prev" in
    --bundle|-b) bundle="$a" ;;
    --process|-p) process="$a" ;;
  esac
  case "$a" in
    --bundle=*) bundle="${a#--bundle=}" ;;
    --process=*) process="${a#--process=}" ;;
    create|run|exec) [[ -z "$cmd" ]] && cmd="$a" ;;
  esac
  prev="$a"
done
case "$cmd" in
  create|run) strip "${bundle:-.}/config.json" ;;
  exec) [[ -n "$process" ]] && strip "$process" ;;
esac
exec "$REAL_RUNC" "$@"
