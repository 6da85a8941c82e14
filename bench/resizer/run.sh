#!/usr/bin/env bash
# Resizer benchmark: cache misses and hits on a 2K photo and on the 5640×3172
# progressive photo, plus sharp in-process calibration, in one run.
# The resizer and the load generator are separate processes on loopback.
# Results: one JSON line per measurement on stdout and in .run/bench/resizer.jsonl.
# Usage: bench/resizer/run.sh   (SECONDS_PER_RUN=15 PORT=18081 to change)
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
PORT="${PORT:-18081}"
ADMIN_PORT="${ADMIN_PORT:-18091}"
OUT=.run/bench
DIST="$OUT/dist"
DATA="$(mktemp -d)"
mkdir -p "$OUT"
: >"$OUT/resizer.jsonl"

photos_dir="$(scripts/photos.sh)"
PHOTO_2K="$photos_dir/LadyBird.jpg"
PHOTO_18MP="$photos_dir/Elephants_5640x3172.jpg"

npx tsc -p bench/resizer/tsconfig.json
ids="$(node "$DIST/bench/resizer/seed.js" "$DATA" "$PHOTO_2K" "$PHOTO_18MP")"
id_of() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$ids" "$1"; }

record() { tee -a "$OUT/resizer.jsonl"; }
note() { printf '{"photo":"%s","tool":"%s"}\n' "$1" "$2" | record >/dev/null; }

echo "== calibration: sharp in process, 2048 px master → 160-1600 px JPEG, 2 in flight" >&2
node "$DIST/bench/resizer/calibrate.js" "$DATA/photos/$(id_of LadyBird.jpg)/master.jpg" "$SECONDS_PER_RUN" | record
echo "== calibration: the resizer's render pipeline in process (watermark on), the JPEG-only miss URLs, 2 in flight" >&2
node "$DIST/bench/resizer/in-process.js" "$DATA" "$(id_of LadyBird.jpg)" "$SECONDS_PER_RUN" | record

STORAGE_KIND=fs DATA_DIR="$DATA" RESIZER_WATERMARK_LOGO_KEY=branding/logo.png RESIZER_PORT="$PORT" RESIZER_ADMIN_PORT="$ADMIN_PORT" RESIZER_HOST=127.0.0.1 LOG_LEVEL=warn \
  node "$DIST/cli/main.js" resizer &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$PORT"
load() { node "$DIST/bench/resizer/load.js" "$base" "$@"; }
rps_half() { node -e 'console.log(Math.max(1, Math.round(JSON.parse(process.argv[1]).rps / 2)))' "$1"; }
for photo in LadyBird.jpg Elephants_5640x3172.jpg; do
  id="$(id_of "$photo")"
  note "$photo" autocannon
  echo "== $photo: cache misses, JPEG only (as calibrated), flat out, 4 connections" >&2
  load "$id" miss "$SECONDS_PER_RUN" 4 jpeg 1 | record
  echo "== $photo: cache misses, JPEG + WebP, flat out, 4 connections" >&2
  miss="$(load "$id" miss "$SECONDS_PER_RUN" 4 jpeg,webp 2 | record)"
  echo "$miss"
  echo "== $photo: cache misses, JPEG + WebP, open loop at 50% of that rate" >&2
  note "$photo" paced
  node "$DIST/bench/resizer/paced.js" "$base" "$id" "$SECONDS_PER_RUN" "$(rps_half "$miss")" jpeg,webp 3 | record

  load "$id" hit 2 1 >/dev/null # warm every hit URL
  note "$photo" wrk
  echo "== $photo: cache hits, flat out, wrk 8 connections" >&2
  PHOTO_ID="$id" wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" -s bench/resizer/hits.lua "$base" | tail -n 1 | record
  echo "== $photo: cache hits, one connection at a time (unloaded latency), wrk" >&2
  PHOTO_ID="$id" wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" -s bench/resizer/hits.lua "$base" | tail -n 1 | record
done
