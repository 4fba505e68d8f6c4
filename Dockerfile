# syntax=docker/dockerfile:1
# One image for the whole platform: the command picks the part it runs.
#   gateway:    node_modules/.bin/tsx scripts/start-gateway.ts             (the default)
#   a subgraph: node_modules/.bin/tsx scripts/start-subgraph.ts <sector>   (population, land, health, education)
# compose.yaml and deploy/kubernetes/ run it so.

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles itself when no prebuilt binary fits this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/complete-lockfile.js scripts/complete-lockfile.js
# npm ci's postinstall applies them (patch-package).
COPY patches patches
# As CI does: the lock names the platform builds the registry does not serve, so that `npm ci` accepts it.
RUN node scripts/complete-lockfile.js package-lock.json \
 && npm ci --no-audit --no-fund
COPY . .
# The copy brought the lock back as committed: complete it again before npm reads it to prune.
RUN npm run build:web \
 && node scripts/complete-lockfile.js package-lock.json \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/var/lib/dsp
WORKDIR /app
RUN groupadd --system --gid 10001 dsp \
 && useradd --system --uid 10001 --gid dsp --home-dir /app --no-create-home --shell /usr/sbin/nologin dsp \
 && mkdir -p /var/lib/dsp \
 && chown dsp:dsp /var/lib/dsp
# The sources run as they are (tsx), beside the production dependencies and the built web apps; nothing else.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/common ./common
COPY --from=build /app/db ./db
COPY --from=build /app/gateway ./gateway
COPY --from=build /app/schema ./schema
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/subgraphs ./subgraphs
COPY --from=build /app/system ./system
COPY --from=build /app/web/dist ./web/dist
USER 10001:10001
# The audit's checkpoints and outbox, and the SQLite files when no MYSQL_HOST is given: persistent storage.
VOLUME ["/var/lib/dsp"]
EXPOSE 4000 4001 4002 4003 4004
# The gateway's /health by default; a subgraph's container names its sector (see compose.yaml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node_modules/.bin/tsx", "scripts/healthcheck.ts"]
CMD ["node_modules/.bin/tsx", "scripts/start-gateway.ts"]
