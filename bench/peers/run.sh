#!/usr/bin/env bash
# make bench-peers: Enlarger's resizer against imgproxy and thumbor, when
# their base URLs are given, on the same photos and the same stored files.
# The peers are built and started by whoever runs this, outside the repo
# (README, "Benchmarking against imgproxy and thumbor"); this script only
# seeds the files they read and drives them.
#
#   IMGPROXY_URL=http://127.0.0.1:8080 THUMBOR_URL=http://127.0.0.1:8888 bench/peers/run.sh
#
# With IMGPROXY_URL, imgproxy is driven twice: bare, and as imgproxy-wm with its
# watermark on. It must be started after the store is seeded (PEERS_SEED_ONLY=1
# seeds and stops), with IMGPROXY_WATERMARK_PATH=<data dir>/branding/logo.png;
# the script refuses to start when imgproxy-wm's answer is imgproxy's (README).
# Env: PEERS_DATA_DIR (the store the peers read, default .run/bench/peers-data),
# SECONDS_PER_RUN (15), ROUNDS (1: how many times every row is driven, round after
# round, so the table's medians outlast the machine's noise), VARIANTS (Enlarger rows, default "sharp floor enlarger enlarger-wm
# browsers browsers-bg"; floor is the render pipeline in process one at a time, with 1 and
# 2 libvips threads; browsers-bg is the browser mix against a second resizer
# with RESIZER_AVIF_BACKGROUND on, at PORT+1, at the browsers row's open-loop rate; the browsers row's
# resizer has it off), PEER_SOURCES ("picked", or "picked original"),
# IMGPROXY_PIDS / THUMBOR_PIDS (comma-separated, for CPU per request; found
# from the listening port when unset), PORT / ADMIN_PORT of Enlarger's resizer,
# BEFORE (a git ref: that commit's resizer also runs, at PORT+2, and each
# enlarger / enlarger-wm row is driven against it right after this tree's, so
# both see the same machine; its tree comes from bench/checkout.sh),
# PEERS (peer rows driven when their URL is given, default "imgproxy imgproxy-wm thumbor"),
# FORMATS (output formats of the enlarger, enlarger-wm, lever and peer rows,
# default "jpeg"; of "jpeg webp avif"), `lever:<name>` in VARIANTS (Enlarger with
# one setting changed from the defaults, bench/peers/levers.ts: its own resizer at
# PORT+3 and, for a stored-copy lever, its own store seeded under <data dir>/stores).
# Rows: JSON lines in .run/bench/peers.jsonl; the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
ROUNDS="${ROUNDS:-1}"
PORT="${PORT:-18082}"
ADMIN_PORT="${ADMIN_PORT:-18092}"
PEER_SOURCES="${PEER_SOURCES:-picked}"
VARIANTS="${VARIANTS:-sharp floor enlarger enlarger-wm browsers browsers-bg}"
FORMATS="${FORMATS:-jpeg}"
PEERS="${PEERS:-imgproxy imgproxy-wm thumbor}"
OUT=.run/bench
DIST="$OUT/dist"
DATA="$(realpath -m "${PEERS_DATA_DIR:-$OUT/peers-data}")"
ROWS="$OUT/peers.jsonl"
PHOTOS=(LadyBird.jpg Elephants_5640x3172.jpg)
mkdir -p "$OUT"
: >"$ROWS"

npx tsc -p bench/resizer/tsconfig.json
# Seeded once and kept, so a peer started before this script can already point at the files.
if [[ ! -f "$DATA/ids.json" ]]; then
  photos_dir="$(scripts/photos.sh)"
  mkdir -p "$DATA"
  node "$DIST/bench/resizer/seed.js" "$DATA" "${PHOTOS[@]/#/$photos_dir/}" >"$DATA/ids.json.tmp"
  mv "$DATA/ids.json.tmp" "$DATA/ids.json"
fi
[[ "${PEERS_SEED_ONLY:-}" == 1 ]] && { echo "seeded $DATA (logo: $DATA/branding/logo.png)" >&2; exit 0; }
id_of() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[process.argv[2]])' "${2:-$DATA/ids.json}" "$1"; }
# The processes listening on a URL's port, comma-separated (for their CPU time).
pids_of() { ss -ltnpH "sport = :${1##*:}" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u | paste -sd, -; }
# The open-loop rate of a row driven for a photo, in its latest round; empty when it did not run.
half_rate_of() { node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) { if (!l) continue; const r = JSON.parse(l); if (r.server === process.argv[2] && r.photo === process.argv[3]) console.log(r.halfRate); }' "$ROWS" "$1" "$2" | tail -n 1; }
drive() { node "$DIST/bench/peers/drive.js" "$@" | tee -a "$ROWS" >&2; }

if [[ -n "${IMGPROXY_URL:-}" && " $PEERS " == *" imgproxy-wm "* ]]; then
  # An imgproxy started before the logo existed draws none, silently: its -wm rows would measure nothing.
  node "$DIST/bench/peers/watermark-check.js" "$IMGPROXY_URL" "$DATA" "$(id_of "${PHOTOS[0]}")"
fi
lever() { node "$DIST/bench/peers/lever.js" "$@"; }
# A stored-copy lever's store: the same photos, seeded once by the converter with the lever's env.
lever_store() { # <store name>; prints its data dir
  local dir="$DATA/stores/$1"
  if [[ ! -f "$dir/ids.json" ]]; then
    local photos_dir converter_env
    photos_dir="$(scripts/photos.sh)"
    mapfile -t converter_env < <(lever converter-env "${variant#lever:}")
    mkdir -p "$dir"
    env "${converter_env[@]}" node "$DIST/bench/resizer/seed.js" "$dir" "${PHOTOS[@]/#/$photos_dir/}" >"$dir/ids.json.tmp"
    mv "$dir/ids.json.tmp" "$dir/ids.json"
  fi
  echo "$dir"
}

# Output cache off, so every request renders; the source-byte cache stays, as imgproxy has the page cache.
resizer() { # <main.js> <port> <admin port> [VAR=value…]
  env STORAGE_KIND=fs DATA_DIR="$DATA" RESIZER_WATERMARK_LOGO_KEY=branding/logo.png RESIZER_WATERMARK_OPT_OUT=true \
    RESIZER_OUTPUT_CACHE_BYTES=0 RESIZER_PORT="$2" RESIZER_ADMIN_PORT="$3" RESIZER_HOST=127.0.0.1 \
    LOG_LEVEL=warn "${@:4}" node "$1" resizer &
}
# AVIF on the request path here (the `browsers` row: what RESIZER_AVIF_BACKGROUND=true is compared with).
resizer "$DIST/cli/main.js" "$PORT" "$ADMIN_PORT" RESIZER_AVIF_BACKGROUND=false
server=$!
# Idle while the others are driven: one resizer is loaded at a time.
resizer "$DIST/cli/main.js" "$((PORT + 1))" "$((ADMIN_PORT + 1))" RESIZER_AVIF_BACKGROUND=true
server_bg=$!
admins=("$ADMIN_PORT" "$((ADMIN_PORT + 1))")
server_before=
if [[ -n "${BEFORE:-}" ]]; then
  read -r before_root before_sha < <(bench/checkout.sh "$BEFORE")
  # Built by its own tsconfig, into its own tree.
  npx tsc -p "$before_root/bench/resizer/tsconfig.json"
  resizer "$before_root/.run/bench/dist/cli/main.js" "$((PORT + 2))" "$((ADMIN_PORT + 2))"
  server_before=$!
  admins+=("$((ADMIN_PORT + 2))")
fi
server_lever=
trap 'kill "$server" "$server_bg" $server_before $server_lever 2>/dev/null || true' EXIT
for admin in "${admins[@]}"; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null && break; sleep 0.2; done
done
enlarger="http://127.0.0.1:$PORT"

# This tree's and the BEFORE commit's resizer, for $variant, $id and $photo of the loop below;
# this tree's row is labelled only when there is a BEFORE to tell it from.
after_row() {
  BUILD="${server_before:+this tree}" drive "$variant" "$enlarger" "$DATA" "$id" "$photo" "$SECONDS_PER_RUN" "$server"
}
before_row() {
  echo "== $photo: $variant at $before_sha" >&2
  BUILD="$before_sha, before" drive "$variant" "http://127.0.0.1:$((PORT + 2))" "$DATA" "$id" "$photo" \
    "$SECONDS_PER_RUN" "$server_before"
}
# A lever:<name> row for $variant, $photo and $FORMAT: its own resizer (and store), started for the row alone.
lever_row() {
  local name="${variant#lever:}" store dir="$DATA" resizer_env
  [[ " $(lever formats "$name") " == *" $FORMAT "* ]] || return 0
  store="$(lever store "$name")"
  [[ -z "$store" ]] || dir="$(lever_store "$store")"
  mapfile -t resizer_env < <(lever resizer-env "$name")
  DATA="$dir" resizer "$DIST/cli/main.js" "$((PORT + 3))" "$((ADMIN_PORT + 3))" RESIZER_AVIF_BACKGROUND=false "${resizer_env[@]}"
  server_lever=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$((ADMIN_PORT + 3))/readyz" >/dev/null && break; sleep 0.2; done
  BUILD="lever $name" drive enlarger "http://127.0.0.1:$((PORT + 3))" "$dir" "$(id_of "$photo" "$dir/ids.json")" \
    "$photo" "$SECONDS_PER_RUN" "$server_lever"
  kill "$server_lever"
  wait "$server_lever" 2>/dev/null || true
  server_lever=
}

for round in $(seq "$ROUNDS"); do
  for photo in "${PHOTOS[@]}"; do
    id="$(id_of "$photo")"
    for variant in $VARIANTS; do
      echo "== round $round, $photo: $variant" >&2
      case "$variant" in
        sharp) drive sharp - "$DATA" "$id" "$photo" "$SECONDS_PER_RUN" ;;
        floor)
          # One libvips thread per render (the default) and two: what either setting leaves for queueing.
          for threads in 1 2; do
            RESIZER_VIPS_THREADS="$threads" drive floor - "$DATA" "$id" "$photo" "$SECONDS_PER_RUN"
          done
          ;;
        browsers-bg)
          # At the open-loop rate of the browsers row, when it ran: one load, with and without.
          HALF_RATE="$(half_rate_of browsers "$photo")" \
            drive browsers-bg "http://127.0.0.1:$((PORT + 1))" "$DATA" "$id" "$photo" "$SECONDS_PER_RUN" "$server_bg"
          # Cumulative over the photos: background AVIF renders by outcome.
          curl -fs "http://127.0.0.1:$((ADMIN_PORT + 1))/metrics" | grep '^enlarger_resizer_background_renders_total' >&2 || true
          ;;
        enlarger | enlarger-wm)
          for FORMAT in $FORMATS; do
            export FORMAT
            # With BEFORE, which of the two goes first alternates by round, so neither always follows the same row.
            if [[ -z "$server_before" ]]; then after_row
            elif ((round % 2)); then after_row && before_row
            else before_row && after_row; fi
          done
          ;;
        lever:*) for FORMAT in $FORMATS; do export FORMAT; lever_row; done ;;
        *) drive "$variant" "$enlarger" "$DATA" "$id" "$photo" "$SECONDS_PER_RUN" "$server" ;;
      esac
      unset FORMAT
    done
    # imgproxy-wm is the same imgproxy asked for its watermark (IMGPROXY_WATERMARK_PATH, README).
    for peer in $PEERS; do
      url_var="${peer%-wm}_URL" pids_var="${peer%-wm}_PIDS"
      url_var="${url_var^^}" pids_var="${pids_var^^}"
      url="${!url_var:-}"
      [[ -n "$url" ]] || continue
      pids="${!pids_var:-$(pids_of "$url")}"
      for source in $PEER_SOURCES; do
        for FORMAT in $FORMATS; do
          echo "== $photo: $peer at $url, $source files, $FORMAT" >&2
          FORMAT="$FORMAT" drive "$peer" "$url" "$DATA" "$id" "$photo" "$SECONDS_PER_RUN" "$pids" "$source"
        done
      done
    done
  done
done
node "$DIST/bench/peers/table.js" <"$ROWS"
