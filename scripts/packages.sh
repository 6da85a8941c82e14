#!/usr/bin/env bash
# The one list of Debian packages `make test` needs, and the one place that
# installs them. A fresh machine has none of them; each script that needs one
# calls `ensure_packages NAME...` (lib.sh), which installs what is missing.
#   scripts/packages.sh list           the table: package, command, why
#   scripts/packages.sh ensure [NAME]  install NAME (default: every package)
#   scripts/packages.sh tier TIER      install the packages of one tier (unit, integration, ...)
#   scripts/packages.sh missing        print the packages not installed yet
source "$(dirname "$0")/lib.sh"

case "${1:-list}" in
  list) debian_packages_table ;;
  ensure) shift; if (( $# )); then ensure_packages "$@"; else ensure_packages $(debian_packages); fi ;;
  tier) [[ -n "${2:-}" ]] || die "usage: $0 tier TIER"
    pkgs=$(awk -F'\t' -v t="$2" '!/^#/ && $2 == t {print $1}' "$SCRIPTS_DIR/debian-packages.tsv")
    [[ -z "$pkgs" ]] || ensure_packages $pkgs ;;
  missing) for p in $(debian_packages); do package_installed "$p" || echo "$p"; done ;;
  *) die "usage: $0 list|ensure [PACKAGE...]|tier TIER|missing" ;;
esac
