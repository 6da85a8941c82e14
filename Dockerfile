# One image for every component: `enlarger media|converter|resizer|operator`.
# The operator's Deployments run it with args: [<component>].
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cli cli
COPY lib lib
COPY operator operator
COPY services services
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# sharp ships its own libvips in node_modules/@img, so no system packages are needed.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# Matches the restricted pod security context the operator renders (runAsNonRoot).
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
