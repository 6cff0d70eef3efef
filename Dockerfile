# Gatehouse container image: the bundled server on Node 24 (the current LTS, the version .ci/run
# tests: it reads NODE_VERSION from this line), runtime dependencies only.
# The container applies pending migrations, then serves (see CMD).
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/schema-diff/package.json tools/schema-diff/
COPY packages/client/package.json packages/client/
COPY console/package.json console/
COPY prisma.config.ts ./
COPY prisma ./prisma
# Scripts skipped here (the console's sources are not copied yet); the Prisma client is generated offline.
RUN npm ci --ignore-scripts && npx prisma generate
COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY scripts/bundle.ts ./scripts/
COPY src ./src
COPY console ./console
# The server (type-checked by tsc, bundled by esbuild into dist/: scripts/bundle.ts), the embedded
# database's migrated template (embedded-template/) and the console (type-checked against
# schema.graphql, bundled by Vite).
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
# A bounded JavaScript heap (README "Memory"): without it V8 sizes the heap from the host's or the
# container's memory and lets it grow far between full collections (880-930 MB resident under the
# fuzz mix on a 24 GB host, against ~130 MB live). 256 MB holds that mix and token load at ~400 MB
# resident on PostgreSQL, ~470 MB embedded (docs/performance.md; 128 MB ran out of heap); give the container at least 512 MB
# (PostgreSQL) or 768 MB (embedded). Override NODE_OPTIONS to change it.
# One malloc arena: glibc gives each thread that allocates (V8's compiler threads, compiling PGlite's
# WebAssembly at start) an arena of its own, which keeps what it freed: ~30-40 MB resident
# (docs/performance.md, "Memory").
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=256 \
    MALLOC_ARENA_MAX=1 \
    HOST=0.0.0.0 \
    PORT=4000 \
    GATEHOUSE_DATA_DIR=/var/lib/gatehouse
WORKDIR /app
COPY package.json package-lock.json ./
# The tools/ and console/ workspaces are left out; npm installs what the lockfile holds for the rest,
# but only what runs: `--omit=dev` alone keeps the Prisma CLI (with Studio, react-dom, TypeScript,
# effect, …), which the lockfile marks dev-or-optional because @prisma/client names it an optional
# peer. Migrations are Gatehouse's own SQL runner (dist/cli.js migrate), so nothing needs the CLI;
# `--omit=optional --omit=peer` leaves it out (node_modules 423 MB -> 169 MB, 265 -> 133 packages).
RUN npm ci --omit=dev --omit=optional --omit=peer --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# A new embedded data folder is created from it (checked against the migrations below) instead of initdb.
COPY --from=build /app/embedded-template ./embedded-template
# The console's built assets only; its build-time packages are devDependencies, left out above.
COPY --from=build /app/console/dist ./console/dist
# GraphiQL's Tokens panel (src/graphql/graphiql.ts reads it beside dist/): GraphiQL is served in
# development mode (GATEHOUSE_MODE=development), and the panel on pages requested over loopback
# (e.g. `docker run --network host`); without the file GraphiQL silently has no panel.
COPY assets ./assets
COPY prisma ./prisma
RUN mkdir -p /var/lib/gatehouse && chown node:node /var/lib/gatehouse
USER node
VOLUME ["/var/lib/gatehouse"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrate first (a failure stops the container with a clear message), then hand the process to
# the server so it receives SIGTERM directly and shuts down gracefully.
CMD ["sh", "-c", "node dist/cli.js migrate && exec node dist/cli.js serve"]
