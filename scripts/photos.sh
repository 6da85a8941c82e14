#!/usr/bin/env bash
# Fetches real, large photos for the integration tests and benchmarks: the
# wallpapers in Debian's mate-backgrounds and gnome-backgrounds, extracted
# into ~/.cache/enlarger/photos. Idempotent: does nothing once they are there.
# Usage: scripts/photos.sh [dir]
set -euo pipefail

DEST="${1:-${ENLARGER_CACHE:-$HOME/.cache/enlarger}/photos}"
PACKAGES=(mate-backgrounds gnome-backgrounds)

if [[ -f "$DEST/.complete" ]]; then
  echo "$DEST"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$DEST"
cd "$work"
# apt-get download needs no root and leaves the system untouched.
apt-get download "${PACKAGES[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 || true; apt-get download "${PACKAGES[@]}" >/dev/null; }
for deb in ./*.deb; do
  dpkg -x "$deb" extracted
done
find extracted/usr/share/backgrounds -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.webp' \) \
  -exec cp -n {} "$DEST/" \;
touch "$DEST/.complete"
echo "$DEST"
