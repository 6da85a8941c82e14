#!/usr/bin/env bash
# The converter's work done by ImageMagick `convert`, one process per image:
# auto-orient, strip, sRGB, master (long edge <= 2048, q88 baseline), then the
# four default sizes from the in-memory master, as the converter does.
# Usage: bench/converter-imagemagick.sh <file> <count> <outdir>
set -euo pipefail
file="$1" count="$2" out="$3"
# Debian's own binary, by its versioned name and never a fallback: a `convert`
# earlier on PATH may be a stand-in that is not ImageMagick at all.
CONVERT="${CONVERT:-$(command -v convert-im6.q16)}" || {
  echo "convert-im6.q16 not found: apt-get install imagemagick-6.q16 (or set CONVERT)" >&2
  exit 1
}
mkdir -p "$out"
for ((i = 0; i < count; i++)); do
  "$CONVERT" "$file" -auto-orient -strip -colorspace sRGB -resize '2048x2048>' \
    -quality 88 -interlace none -write "$out/master.jpg" \
    \( +clone -resize '320x320^' -gravity center -extent 320x320 -quality 75 -write "$out/thumb.webp" +delete \) \
    \( +clone -resize '640x>' -quality 80 -interlace none -write "$out/small.jpg" +delete \) \
    \( +clone -resize '1280x>' -quality 82 -interlace none -write "$out/medium.jpg" +delete \) \
    -resize '1920x>' -quality 80 "$out/large.webp"
done
