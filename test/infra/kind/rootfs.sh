#!/usr/bin/env bash
# Bootstraps a Debian rootfs with debootstrap (minbase plus the packages
# named) and imports it as a docker image. The tarball is cached in
# $ENLARGER_CACHE/kind/rootfs/, keyed by suite and package list, so a warm
# machine (or a fresh dockerd) only runs `docker import`.
# DEBIAN_ARCH=arm64 bootstraps Debian's arm64 packages instead of this
# machine's, running their maintainer scripts under qemu (binfmt.sh).
# Usage: test/infra/kind/rootfs.sh NAME [PACKAGE,...]   prints the image name
source "$(dirname "$0")/lib.sh"

name="$1" packages="${2:-}"
native="$(dpkg --print-architecture)"
arch="${DEBIAN_ARCH:-$native}"
# The native rootfs keeps the name and key it always had, so its caches stay warm.
[[ "$arch" == "$native" ]] || name="$name-$arch"
key="$(printf '%s %s' "$DEBIAN_SUITE" "$packages" | sha256sum | cut -c1-12)"
image="$LOCAL_REPO/rootfs-$name:$DEBIAN_SUITE-$key"
tarball="$KIND_CACHE/rootfs/$name-$DEBIAN_SUITE-$key.tar"

if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

if [[ ! -f "$tarball" ]]; then
  ensure_packages debootstrap
  [[ "$arch" == "$native" ]] || "$KIND_SCRIPTS/binfmt.sh" "$arch"
  log "debootstrap $DEBIAN_SUITE minbase${packages:+ + $packages} (first time only)"
  work="$(mktemp -d "$KIND_CACHE/rootfs-work.XXXXXX")"
  # debootstrap mounts proc, sys and dev/pts: every mount under the rootfs goes,
  # deepest first, before rm -rf could reach through one into the host's.
  cleanup() {
    findmnt -rn -o TARGET | awk -v r="$work/root" '$0 == r || index($0, r "/") == 1' | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$work"
  }
  trap cleanup EXIT
  mkdir -p "$KIND_CACHE/rootfs" "$KIND_CACHE/debs"
  debootstrap --arch="$arch" --variant=minbase --cache-dir="$KIND_CACHE/debs" ${packages:+--include="$packages"} \
    "$DEBIAN_SUITE" "$work/root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # An image has no use for apt's lists and caches; the size matters when it is
  # loaded into the node.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb \
    "$work/root/usr/share/doc" "$work/root/usr/share/man" "$work/root/usr/share/info"
  tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
# `docker import` labels its image with the engine's architecture (its --platform is
# experimental before Docker 23 and ignored here), so another architecture's rootfs
# is loaded as a one-layer image whose config says what it is.
import_as() {
  local dir; dir="$(mktemp -d)"
  ln -s "$tarball" "$dir/layer.tar"
  # One history entry, as `docker import` writes it, so `docker history` pairs each layer with its step.
  printf '{"architecture":"%s","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"","comment":"debootstrap"}]}' \
    "$arch" "$(sha256sum "$tarball" | cut -c1-64)" > "$dir/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$image" > "$dir/manifest.json"
  tar -ch -C "$dir" manifest.json config.json layer.tar | docker load >/dev/null
  rm -rf "$dir"
}
if [[ "$arch" == "$native" ]]; then docker import "$tarball" "$image" >/dev/null; else import_as; fi
echo "$image"
