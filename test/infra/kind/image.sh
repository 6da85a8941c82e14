#!/usr/bin/env bash
# Builds the project's image IMG from the Dockerfile's `prebuilt` target on
# the local base image: dist/ and the production node_modules are made on the
# host (which reaches the npm registry) and passed as the build context, since
# nothing inside a container build may reach the network here.
# With KIND_SOURCE=public, the Dockerfile's default target instead.
# Usage: test/infra/kind/image.sh IMG
source "$(dirname "$0")/lib.sh"

img="${1:?usage: image.sh IMG}"
if [[ "$KIND_SOURCE" == public ]]; then
  # With a registry in reach, the Dockerfile builds as a user would build it.
  log "building $img from the Dockerfile (KIND_SOURCE=public: pulls node:24-bookworm-slim)"
  docker build -q -t "$img" "$REPO_ROOT" >/dev/null
  exit 0
fi
base="$("$KIND_SCRIPTS/base-image.sh")"
ctx="$KIND_RUN/image-context"
rm -rf "$ctx" && mkdir -p "$ctx"
log "compiling dist/ and installing production node_modules for $img"
(cd "$REPO_ROOT" && npx tsc -p tsconfig.build.json --outDir "$ctx/dist")
cp "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" "$ctx/"
(cd "$ctx" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
docker build -q --network none --target prebuilt --build-arg BASE_IMAGE="$base" \
  -f "$REPO_ROOT/Dockerfile" -t "$img" "$ctx" >/dev/null
log "built $img: $(docker image inspect -f '{{.Size}}' "$img" | awk '{printf "%.0f MB", $1/1e6}')"
# What it is made of, layer by layer (the figures docs/kind.md quotes), and the
# largest production packages.
docker image history --no-trunc --human=false --format '{{.Size}}\t{{.CreatedBy}}' "$img" | awk -F'\t' '
  $1 == 0 { next }
  $2 == "" { part["rootfs (debootstrap minbase + packages)"] += $1; next }
  $2 ~ /COPY .* in node_modules *$/ { part["node_modules (production)"] += $1; next }
  $2 ~ /COPY .* in dist *$/ { part["dist"] += $1; next }
  $2 ~ /COPY .* in \/usr\/local\/bin\/node *$/ { part["node"] += $1; next }
  { part["other layers"] += $1 }
  END { for (p in part) printf "  %-40s %6.1f MB\n", p, part[p] / 1e6 }' | sort -k1,1 >&2
# awk keeps the first four itself and reads on to the end: `head` would close the pipe early, and
# under pipefail sort's SIGPIPE (141) failed the build now and then.
(cd "$ctx/node_modules" && du -sb -- @*/* [!@]* 2>/dev/null) | sort -rn |
  awk 'NR <= 4 {printf "    node_modules/%-34s %6.1f MB\n", $2, $1 / 1e6}' >&2
