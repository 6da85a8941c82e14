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
# Every container preloads jemalloc (lib/process/malloc.ts puts LD_PRELOAD on it): under the soak it kept
# the resizer's native memory lower and flatter than glibc. Linked to one path for every architecture.
RUN ls /usr/lib/*/libjemalloc.so.2 >/dev/null 2>&1 || { apt-get update \
    && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*; }; \
    ln -sf "$(ls /usr/lib/*/libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2 \
    && [ -e /usr/local/lib/libjemalloc.so.2 ]
ENV NODE_ENV=production
# The commit the image is built from (`make docker-build` and `make image-push` pass `git rev-parse HEAD`);
# the operator reports it in enlarger_build_info. After the package layers, so a new commit reuses them.
ARG ENLARGER_COMMIT=unknown
ENV ENLARGER_COMMIT=${ENLARGER_COMMIT}
LABEL org.opencontainers.image.revision=${ENLARGER_COMMIT} \
      org.opencontainers.image.source=https://github.com/enlarger/enlarger
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
