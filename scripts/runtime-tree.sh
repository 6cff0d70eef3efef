#!/usr/bin/env bash
# Builds the Docker image's runtime stage as a plain folder (no Docker engine needed) and starts it
# against PostgreSQL with the `node` on PATH: the same `npm ci` line as the Dockerfile (read from
# it), the bundled server (scripts/bundle.ts), the console's built assets, GraphiQL's Tokens panel
# (assets/) and the migrations. Fails when a build-time package (Prisma CLI, TypeScript, react-dom,
# Vite) is in its node_modules, when the server does not migrate, become ready, serve the console
# and answer GraphQL, when a new embedded data folder is not created from the embedded database's
# template or the server does not serve on it, or when in development mode it serves GraphiQL
# without the Tokens panel. Prints node_modules' size.
# Usage: scripts/runtime-tree.sh [folder]   (PGHOST/PGPORT/PGUSER as for psql; default 127.0.0.1:5432 postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=${1:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-runtime-XXXXXX")}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

install=$(sed -n 's/^RUN \(npm ci --omit=dev[^&]*\)&&.*$/\1/p' Dockerfile)
[[ -n "$install" ]] || { echo "runtime-tree: no 'RUN npm ci --omit=dev …' line in the Dockerfile" >&2; exit 1; }
echo "runtime tree in $tree (node $(node --version)): $install"
rm -rf "$tree" && mkdir -p "$tree/console"
cp package.json package-lock.json "$tree/"
(cd "$tree" && eval "$install" >/dev/null)
npx tsx scripts/bundle.ts "$tree/dist" >/dev/null
[[ -f console/dist/index.html ]] || npm run build --workspace=console >/dev/null
cp -r console/dist "$tree/console/dist"
cp -r prisma "$tree/prisma"
cp -r assets "$tree/assets"
# The embedded database's template, as the Dockerfile's build stage writes it (npm run build).
(cd "$tree" && node dist/cli.js build-template >/dev/null)

for build_only in prisma typescript react-dom vite @prisma/studio-core @prisma/dev; do
  if [[ -e "$tree/node_modules/$build_only" ]]; then echo "runtime-tree: $build_only is in the runtime node_modules" >&2; exit 1; fi
done
echo "node_modules: $(du -sm "$tree/node_modules" | cut -f1) MB, $(find "$tree/node_modules" -name package.json -path '*/node_modules/*/package.json' -not -path '*/node_modules/*/node_modules/*' | wc -l) packages"

database="gatehouse_runtime_tree_$$"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
psql -q -d postgres -c "CREATE DATABASE $database" >/dev/null
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $database" >/dev/null || true
}
trap cleanup EXIT
export NODE_ENV=production GATEHOUSE_MODE=production HOST=127.0.0.1 PORT=$port \
  GATEHOUSE_ISSUER="http://127.0.0.1:$port" GATEHOUSE_SECRET="runtime-tree-check-$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')" \
  GATEHOUSE_DATA_DIR="$tree/data" DATABASE_URL="postgresql://$PGUSER@$PGHOST:$PGPORT/$database" LOG_LEVEL=warn
cd "$tree"
wait_ready() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    kill -0 "$server" 2>/dev/null || { echo "runtime-tree: the server exited" >&2; exit 1; }
    sleep 1
  done
}
node dist/cli.js migrate
node dist/cli.js serve &
server=$!
wait_ready
curl -sf "http://127.0.0.1:$port/readyz"; echo
curl -sf "http://127.0.0.1:$port/console/organizations" | grep -q '<meta name="gatehouse-console"' || { echo "runtime-tree: no console page" >&2; exit 1; }
answer=$(curl -sf -X POST "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -d '{"query":"{ __typename }"}')
[[ "$answer" == '{"data":{"__typename":"Query"}}' ]] || { echo "runtime-tree: GraphQL answered $answer" >&2; exit 1; }
curl -s -o /dev/null -w '%{http_code}' -H 'accept: text/html' "http://127.0.0.1:$port/graphql" | grep -qv '^200$' || { echo "runtime-tree: production serves GraphiQL" >&2; exit 1; }
# The embedded database: a new data folder comes from the template, so there is nothing left to migrate.
created=$(env -u DATABASE_URL GATEHOUSE_DATA_DIR="$tree/embedded-data" node dist/cli.js migrate)
[[ "$created" == "Database is up to date." ]] || { echo "runtime-tree: a new embedded data folder was not created from the template: $created" >&2; exit 1; }
# And serves on it (PGlite loads its WebAssembly from node_modules, beside the bundle).
kill "$server" && wait "$server" 2>/dev/null || true
env -u DATABASE_URL GATEHOUSE_DATA_DIR="$tree/embedded-data" node dist/cli.js serve &
server=$!
wait_ready
answer=$(curl -sf -X POST "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -d '{"query":"{ __typename }"}')
[[ "$answer" == '{"data":{"__typename":"Query"}}' ]] || { echo "runtime-tree: GraphQL on the embedded database answered $answer" >&2; exit 1; }

# The same tree in development mode (what `docker run -e GATEHOUSE_MODE=development` runs): GraphiQL,
# and on this loopback request its Tokens panel, whose script comes from assets/.
kill "$server" && wait "$server" 2>/dev/null || true
GATEHOUSE_MODE=development node dist/cli.js serve &
server=$!
wait_ready
page=$(curl -sf -H 'accept: text/html' "http://127.0.0.1:$port/graphql")
panel=$(grep -o '/graphiql/[0-9a-f]*/tokens.js' <<<"$page" | head -n 1 || true)
[[ -n "$panel" ]] || { echo "runtime-tree: development GraphiQL without the Tokens panel" >&2; exit 1; }
curl -sf "http://127.0.0.1:$port$panel" >/dev/null || { echo "runtime-tree: $panel not served" >&2; exit 1; }
echo "runtime tree: migrated, ready, console and GraphQL served on node $(node --version); embedded database created from the template and served; in development, GraphiQL with its Tokens panel"
