#!/usr/bin/env bash
# The tree of a git ref, for benchmarks that run an earlier commit beside
# this one in the same session (BEFORE=<ref>): extracted once per commit into
# .run/bench/at/<sha>, sharing this checkout's node_modules. Prints "<root> <sha>".
#
#   bench/checkout.sh 787da83
set -euo pipefail
cd "$(dirname "$0")/.."
ref="${1:?usage: bench/checkout.sh <git ref>}"
sha="$(git rev-parse --short "$ref^{commit}")"
root="$PWD/.run/bench/at/$sha"
if [[ ! -f "$root/package.json" ]]; then
  # Extracted beside and renamed, so a run cut short never leaves half a tree that looks whole.
  rm -rf "$root.tmp"
  mkdir -p "$root.tmp"
  git archive "$sha" | tar -x -C "$root.tmp"
  ln -s "$PWD/node_modules" "$root.tmp/node_modules"
  mv "$root.tmp" "$root"
fi
echo "$root $sha"
