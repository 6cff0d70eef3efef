# Gatehouse container image: compiled TypeScript on Node 20, production dependencies only.
# The container applies pending migrations, then serves (see CMD).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/schema-diff/package.json tools/schema-diff/
COPY packages/client/package.json packages/client/
COPY prisma.config.ts ./
COPY prisma ./prisma
# `npm ci` runs the `prepare` script, which generates the Prisma client offline.
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    GATEHOUSE_DATA_DIR=/var/lib/gatehouse
WORKDIR /app
COPY package.json package-lock.json ./
# The tools/ workspace (a development aid) is left out; npm installs what the lockfile holds for the rest.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
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
