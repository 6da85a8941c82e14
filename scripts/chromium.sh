#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it
# through executablePath; no browser is downloaded). Idempotent: does nothing
# when it is already there. Prints the executable's path.
# Usage: scripts/chromium.sh
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium

ensure_packages chromium
[[ -x "$CHROMIUM" ]] || die "chromium did not install at $CHROMIUM"
echo "$CHROMIUM"
