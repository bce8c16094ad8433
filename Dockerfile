# trading-exporter image: docker build -t trading-exporter .
# Runs `node dist/cli.js serve` on 0.0.0.0:10077 with its state in /data (a volume).

# ---- build: compile TypeScript, bundle the CLI (scripts/bundle-cli.mjs) and better-sqlite3's native
# module, then drop dev dependencies
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` script builds from sources that are not copied yet;
# better-sqlite3's install script (prebuilt binary or node-gyp) is then run on its own.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime: no compiler, no dev dependencies, not root
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app
# package.json carries "type": "module", which dist/ needs at run time.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY web ./web
# The node image's unprivileged `node` user (uid 1000) owns the data directory.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 10077
# /healthz stays open even with auth.read_token set; node's own fetch avoids installing curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:10077/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
