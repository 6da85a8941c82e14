#!/usr/bin/env bash
# The previous release for the upgrade test (e2e/kind/upgrade.test.ts): REF's
# tree from `git archive`, its image built by that tree's own `make image`, and
# the image loaded into the kind cluster. Both are cached by commit outside the
# repo ($KIND_CACHE/releases/<commit>/ and $KIND_CACHE/images/), so a warm run
# only checks the engine and the node have them. Prints, for the test, the
# env it reads: PREVIOUS_REF, PREVIOUS_COMMIT, PREVIOUS_SRC (its chart and
# sample) and PREVIOUS_IMG.
# Usage: test/infra/kind/previous.sh REF
source "$(dirname "$0")/lib.sh"

ref="${1:?usage: previous.sh REF (e.g. v0.1.0)}"
# The tag, else the commit releases.tsv pins for it: a clone of the branch alone has no tags.
commit="$(git -C "$REPO_ROOT" rev-parse --verify --quiet "$ref^{commit}" ||
  awk -v r="$ref" '$1 == r { print $2 }' "$KIND_SCRIPTS/releases.tsv")"
[[ -n "$commit" ]] && git -C "$REPO_ROOT" cat-file -e "$commit^{commit}" 2>/dev/null ||
  die "no git ref $ref here, and releases.tsv pins no commit of this history for it"
short="${commit:0:12}"
src="$KIND_CACHE/releases/$short/src"
# The repository is not ghcr.io/enlarger/enlarger, whose tag this tree's IMG may reuse; the
# tag names the release and the commit, so a moved tag never finds the old build.
img="$LOCAL_REPO/enlarger:${ref#v}-$short"

if [[ ! -f "$src/.extracted" ]]; then
  log "extracting $ref ($short) into $src"
  rm -rf "$src" && mkdir -p "$src"
  git -C "$REPO_ROOT" archive "$commit" | tar -x -C "$src"
  touch "$src/.extracted"
fi

# That release's own scripts build it: its Dockerfile, its image.sh, its lockfile.
build_previous() {
  log "building $ref's image $1 with its own make image (first time for $short only)"
  (cd "$src" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  # Its RUN_DIR is its own .run/; the shared cache (base image, rootfs) is this one's.
  env -u ENLARGER_RUN_DIR make -C "$src" --no-print-directory image IMG="$1" >&2
}
cached_image "$img" build_previous
# stdout is the env the test reads: what the load says goes to stderr.
"$KIND_SCRIPTS/cluster.sh" load "$img" >&2

printf 'PREVIOUS_REF=%s\nPREVIOUS_COMMIT=%s\nPREVIOUS_SRC=%s\nPREVIOUS_IMG=%s\n' "$ref" "$commit" "$src" "$img"
