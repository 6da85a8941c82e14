#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it
# through executablePath; no browser is downloaded). Idempotent: does nothing
# when it is already there. Prints the executable's path.
# Usage: scripts/chromium.sh
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ ! -x "$CHROMIUM" ]]; then
  log "installing Debian's chromium"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # Another apt-get may hold the dpkg lock for a while: wait for it rather than fail.
  apt_install() { $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends chromium >/dev/null; }
  apt_install || { $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null && apt_install; }
fi
[[ -x "$CHROMIUM" ]] || die "chromium did not install at $CHROMIUM"
echo "$CHROMIUM"
