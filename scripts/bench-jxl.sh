#!/usr/bin/env bash
# make bench-jxl: what JPEG XL would save, as a side measurement (issue 29).
# Installs Debian's libjxl tools (cjxl/djxl) and uses ssimulacra2_rs from
# crates.io, built by `scripts/build-tools.sh ssimulacra2` into the cache.
# Usage: scripts/bench-jxl.sh [width=1200] [photo-file...]
source "$(dirname "$0")/lib.sh"
ensure_packages libjxl-tools
version="${SSIMULACRA2_VERSION:-0.5.2}"
scorer="$(bin_dir ssimulacra2_rs "$version")/bin/ssimulacra2_rs"
if [[ ! -x "$scorer" ]]; then
  "$SCRIPTS_DIR/build-tools.sh" ssimulacra2 || die "ssimulacra2_rs $version is not built: cargo install --locked ssimulacra2_rs --version $version --root $(bin_dir ssimulacra2_rs "$version")"
fi
cd "$REPO_ROOT"
SSIMULACRA2="$scorer" exec npx tsx bench/jxl.ts "$@"
