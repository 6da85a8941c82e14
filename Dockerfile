# One image for every component: `enlarger media|converter|resizer|operator`.
# The operator's Deployments run it with args: [<component>].
#
#   docker build -t IMG .                  compiles in the image (needs the npm registry)
#   docker build --target prebuilt ...     takes dist/ and production node_modules from
#                                          the build context (test/infra/kind/image.sh), for
#                                          builders without network
#
# BASE_IMAGE is any Debian-based image with `node` (>= 20) on PATH; the kind
# e2e uses a local one (test/infra/kind/base-image.sh) because public registries
# are out of reach there.
ARG BASE_IMAGE=node:24-bookworm-slim

# What every variant runs on. Matches the restricted pod security context the
# operator renders (runAsNonRoot, read-only root filesystem).
FROM ${BASE_IMAGE} AS runtime
# The resizer draws the attribution with Pango, which needs a font: in an image
# without one (the -slim images have none) it draws missing-glyph boxes.
RUN [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*; }
# The converter decodes HEIC with libheif's heif-convert (libde265) in a child
# process: sharp's libvips has no HEVC decoder.
RUN command -v heif-convert >/dev/null || { apt-get update \
    && apt-get install -y --no-install-recommends libheif-examples && rm -rf /var/lib/apt/lists/*; }
ENV NODE_ENV=production
WORKDIR /app
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/cli/main.js"]

# Before `build` on purpose: the classic builder builds every stage up to the
# target, so this one must not depend on, or follow, the npm ci below.
FROM runtime AS prebuilt
COPY package.json ./
COPY node_modules node_modules
COPY dist dist

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cli cli
COPY lib lib
COPY operator operator
COPY services services
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM runtime
# sharp ships its own libvips in node_modules/@img, so no system packages are needed.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
