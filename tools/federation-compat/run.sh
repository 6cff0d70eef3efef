#!/usr/bin/env bash
# Runs Apollo's subgraph compatibility tests against products.ts, without Docker: the products
# subgraph, the package's users and inventory subgraphs and a router stand-in (router.ts) run in a
# private network namespace (the suite's ports 4000-4003 are fixed). Last line: "N passed, M failed".
# FEDERATION_COMPAT_SHARED_NETWORK=1 skips the namespace (for hosts without user namespaces).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
pkg="$here/node_modules/@apollo/federation-subgraph-compatibility-tests"

if [[ -z "${FEDERATION_COMPAT_INSIDE:-}" ]]; then
  if [[ ! -d "$pkg" ]]; then
    echo "Installing the harness (npm ci --ignore-scripts)..." >&2
    timeout 900 npm ci --ignore-scripts --no-audit --no-fund >&2
  fi
  # products.ts imports Gatehouse's builder, so the root needs its dependencies and generated code.
  if [[ ! -d ../../node_modules/tsx || ! -f ../../src/generated/pothos-types.ts ]]; then
    echo "federation-compat: run npm install (or npm ci) at the repository root first" >&2
    exit 1
  fi
  export FEDERATION_COMPAT_INSIDE=1
  [[ -n "${FEDERATION_COMPAT_SHARED_NETWORK:-}" ]] && exec bash "$here/run.sh" "$@"
  # New user + network namespaces (ports free, no network) and a PID namespace, so every process
  # still running when the inner script ends is killed by the kernel, whatever happens.
  unshare --map-root-user --net --pid --fork --kill-child=TERM bash "$here/run.sh" "$@" &
  inner=$!
  # unshare blocks INT and TERM while it waits; killing it sends TERM to the inner script instead.
  trap 'kill -KILL "$inner" 2>/dev/null; wait "$inner" 2>/dev/null || true; exit 130' INT TERM
  wait "$inner" || exit $?
  exit 0
fi

[[ -n "${FEDERATION_COMPAT_SHARED_NETWORK:-}" ]] || ip link set lo up

logs="$(mktemp -d)"
pids=()
declare -A pid_of
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name, command...
  local name=$1
  shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}

fail() { # name, message
  echo "--- $1 log ---" >&2
  tail -n 40 "$logs/$1.log" >&2 || true
  echo "federation-compat: $2" >&2
  exit 1
}

ping_graphql() { # url: succeeds once the server answers { __typename }
  node -e '
    fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }), signal: AbortSignal.timeout(2000) })
      .then((r) => r.json()).then((j) => process.exit(j?.data?.__typename ? 0 : 1), () => process.exit(1));
  ' "$1"
}

wait_for() { # name, url: waits up to 60 s while the process lives
  local name=$1 url=$2
  for _ in $(seq 120); do
    ping_graphql "$url" && return 0
    kill -0 "${pid_of[$name]}" 2>/dev/null || fail "$name" "$name exited before answering on $url"
    sleep 0.5
  done
  fail "$name" "$name did not answer on $url within 60 s"
}

products_url=http://localhost:4001/graphql
started=$SECONDS
start products node --import tsx --import ./one-graphql.mjs products.ts
start users node "$pkg/dist/subgraphs/users/index.js"
start inventory node "$pkg/dist/subgraphs/inventory/index.js"
wait_for products "$products_url"
wait_for users http://localhost:4002/
wait_for inventory http://localhost:4003/
start router node --import tsx router.ts
wait_for router http://localhost:4000/
echo "Supergraph up in $((SECONDS - started)) s; running the compatibility tests..." >&2

results="$logs/jest.json"
# In the background, so that a TERM sent to this script is handled at once (see cleanup).
PRODUCTS_URL=$products_url timeout 300 node node_modules/jest/bin/jest.js "$pkg/dist/tests" \
  --config "$pkg/federation-jest.config.js" --rootDir "$pkg" --ci --forceExit \
  --json --outputFile "$results" >&2 &
pids+=($!)
wait "${pids[-1]}" || true
[[ -s $results ]] || { echo "federation-compat: jest produced no results" >&2; exit 1; }

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const t of r.testResults.flatMap((s) => s.assertionResults))
    if (t.status === "failed") console.log(`FAILED: ${t.fullName}`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  process.exit(r.success && r.numFailedTests === 0 && r.numTotalTests > 0 ? 0 : 1);
' "$results"
