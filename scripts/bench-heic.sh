#!/usr/bin/env bash
# CPU and peak memory of the converter's HEIC decoder (heif-convert) on a 12 MP
# (4032×3024) and a 48 MP (8064×6048) HEIC, encoded here by heif-enc from a
# synthetic gradient (no photo may be downloaded). Prints one line per size.
# Usage: scripts/bench-heic.sh
source "$(dirname "$0")/lib.sh"
ensure_packages libheif-examples time
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$REPO_ROOT"
for size in 4032x3024 8064x6048; do
  w="${size%x*}" h="${size#*x}"
  node --input-type=module -e "
    import sharp from 'sharp';
    const [w, h] = [$w, $h], raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3; raw[i] = (x * 255) / w; raw[i + 1] = (y * 255) / h; raw[i + 2] = (x ^ y) & 255;
    }
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).withIccProfile('p3').png({ compressionLevel: 1 }).toFile('$work/in.png');"
  heif-enc -q 80 -p preset=ultrafast -o "$work/in.heic" "$work/in.png" >/dev/null
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" heif-convert --quiet "$work/in.heic" "$work/out.png"
  read -r user sys wall rss < "$work/time"
  # As the converter runs it (heif-decode.ts): one malloc arena, 8 B/px + 128 MiB of address space.
  limit=$(( 128 * 1024 * 1024 + w * h * 8 )) ok=0
  for _ in 1 2 3 4 5; do
    MALLOC_ARENA_MAX=1 timeout 120 prlimit --as="$limit" -- heif-convert --quiet "$work/in.heic" "$work/out.png" \
      >/dev/null 2>&1 && ok=$((ok + 1))
  done
  awk -v s="$size" -v px=$(( w * h )) -v u="$user" -v y="$sys" -v e="$wall" -v r="$rss" -v ok="$ok" -v lim="$limit" 'BEGIN {
    printf "%s (%d MP): user %ss sys %ss wall %ss, peak RSS %d MB (%.1f B/px); under the converter'"'"'s %d MiB limit %d of 5 decoded\n",
      s, px / 1e6, u, y, e, r / 1024, r * 1024 / px, lim / 1048576, ok }'
done
