#!/usr/bin/env bash
# Lints .github/workflows/ with actionlint: the workflows can't run here, so
# this is what checks them before a push does. actionlint is built from the Go
# module proxy (versions.env) on first use and cached like the other tools.
source "$(dirname "$0")/lib.sh"
"$SCRIPTS_DIR/build-tools.sh" actionlint
cd "$REPO_ROOT"
exec "$(bin_dir actionlint "$ACTIONLINT_VERSION")/actionlint" "$@"
