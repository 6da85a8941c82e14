#!/usr/bin/env bash
# Bootstraps a Debian rootfs with debootstrap (minbase plus the packages
# named) and imports it as a docker image. The tarball is cached in
# $ENLARGER_CACHE/kind/rootfs/, keyed by suite and package list, so a warm
# machine (or a fresh dockerd) only runs `docker import`.
# Usage: test/infra/kind/rootfs.sh NAME [PACKAGE,...]   prints the image name
source "$(dirname "$0")/lib.sh"

name="$1" packages="${2:-}"
key="$(printf '%s %s' "$DEBIAN_SUITE" "$packages" | sha256sum | cut -c1-12)"
image="$LOCAL_REPO/rootfs-$name:$DEBIAN_SUITE-$key"
tarball="$KIND_CACHE/rootfs/$name-$DEBIAN_SUITE-$key.tar"

if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

if [[ ! -f "$tarball" ]]; then
  ensure_packages debootstrap
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
  debootstrap --variant=minbase --cache-dir="$KIND_CACHE/debs" ${packages:+--include="$packages"} \
    "$DEBIAN_SUITE" "$work/root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # An image has no use for apt's lists and caches; the size matters when it is
  # loaded into the node.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb \
    "$work/root/usr/share/doc" "$work/root/usr/share/man" "$work/root/usr/share/info"
  tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
docker import "$tarball" "$image" >/dev/null
echo "$image"
