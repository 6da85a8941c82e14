#!/usr/bin/env bash
# make bench-bytes: bytes at equal SSIMULACRA2, Enlarger's resizer against
# imgproxy (when IMGPROXY_URL is given), over real photos (bench/bytes/run.ts).
# imgproxy is yours to build and start, outside the repo, with its local root
# at the data dir (README, "Bytes at equal perceived quality"):
#
#   IMGPROXY_URL=http://127.0.0.1:8080 bench/bytes/run.sh
#
# Env: BYTES_PHOTOS (files from scripts/photos.sh; default 3 photos),
# BYTES_WIDTHS ("320 640 1200 2048"), BYTES_FORMATS ("jpeg webp avif"),
# BYTES_QUALITIES ("40 60 75 85 95"), BYTES_ROWS (rows of bench/bytes/rows.ts,
# default all), BYTES_DATA_DIR (.run/bench/bytes-data), BYTES_PORT (18182: the
# rows' resizers take two ports each from there).
# Samples: JSON lines in .run/bench/bytes.jsonl; the tables on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source scripts/versions.env

BYTES_PHOTOS="${BYTES_PHOTOS:-LadyBird.jpg Elephants_3840x2160.jpg Wood.jpg}"
DATA="$(realpath -m "${BYTES_DATA_DIR:-.run/bench/bytes-data}")"
mkdir -p "$DATA"

scripts/build-tools.sh ssimulacra2
scorer="$(bin_dir ssimulacra2_rs "$SSIMULACRA2_VERSION")/bin/ssimulacra2_rs"
photos_dir="$(scripts/photos.sh)"
read -ra photos <<<"$BYTES_PHOTOS"
npx tsc -p bench/resizer/tsconfig.json
node .run/bench/dist/bench/bytes/run.js "$DATA" "$scorer" "${photos[@]/#/$photos_dir/}"
