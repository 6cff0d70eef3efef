// `npm run bench -- memory [--operations 50000] [--seconds 10] [--build] [--only embedded|postgres]`: Gatehouse's memory under
// sustained load, on each database (PostgreSQL when reachable), as built (`node dist/cli.js serve`,
// production mode) in a process of its own:
//   1. token load: client_credentials (management token, then organization token) with autocannon,
//      8 connections, `--seconds` each; resident memory when ready, after, and at its peak;
//   2. the fuzz mix of test/fuzz/requests.ts (generated from the schema: random selections, hostile
//      values, broken documents, batches, GETs, wrong content types; no token, a management token and an
//      organization token), `--operations` requests, 8 at a time, with resident memory (VmRSS), the
//      JavaScript heap in use and committed (what V8 holds from the system) and memory outside it (external: PGlite's WebAssembly memory, buffers) at
//      checkpoints from start to the end. A curve that levels off is what to look for.
// BENCH_SERVER_NODE_OPTIONS is given to the server's process only (to try V8 flags);
// BENCH_SERVER_NODE_ARGS goes on its command line (flags NODE_OPTIONS refuses, such as --trace-gc).
// BENCH_SERVER_OUTPUT names a file that gets everything the server prints.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { withServices } from "../src/cli/services.js";
import { loadConfig } from "../src/config/index.js";
import { bootstrap } from "../src/domain/bootstrap.js";
import { buildSchema } from "../src/graphql/schema/index.js";
import { fixtures } from "../test/support/fixtures.js";
import { type FuzzRequest, fuzzRequests } from "../test/fuzz/requests.js";
import { type Client, FORM, ROOT, accessToken, basic, ensureBuilt, gatehouseEnv } from "./compare/harness.js";
import { type Service, freePort, startService } from "./compare/processes.js";
import { type Backend, admin, benchPostgresUrl, load, postgresAvailable, report } from "./support.js";

export interface MemoryBenchOptions {
  operations: number;
  seconds: number;
  build: boolean;
  /** One database only (both by default; PostgreSQL when reachable). */
  only?: Backend;
}

const SECRET = "memory-bench-secret-memory-bench-secret";
const METRICS_TOKEN = "memory-bench-metrics-token";
const CONCURRENCY = 8;
const SEED = 20261203;
const CHECKPOINTS = [0, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 40_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000];

interface World {
  managementResource: string;
  admin: Client;
  member: Client;
  organizationId: string;
  ids: string[];
}

/** What the fuzz suite's server holds: two users, two organizations, a role, an M2M member. */
async function seed(env: Record<string, string>): Promise<World> {
  const config = loadConfig({ ...env, LOG_LEVEL: "warn" });
  return withServices(config, async ({ db }) => {
    const f = fixtures(db.prisma);
    const managementResource = config.tokens.managementResource;
    const adminApp = await bootstrap(db.prisma, managementResource);
    // The applications whose tokens the run uses are not among the ids the mix is given: it may rotate
    // their secrets or delete them (it may still delete the organization; see tokens() below).
    const [ada, grace, acme, other, app, tokenApp] = await Promise.all([f.user(), f.user({ primaryEmail: "grace@example.test" }), f.organization(), f.organization(), f.application(), f.application()]);
    const role = await f.organizationRole({ name: "fuzz-admin", permissions: ["read:organization", "read:members", "manage:members"] });
    const machineRole = await f.organizationRole({ name: "fuzz-machine", type: "MACHINE_TO_MACHINE", permissions: ["read:organization", "read:members", "manage:members"] });
    await Promise.all([f.member(acme.id, ada.id, [role.id]), f.member(other.id, grace.id), f.applicationMember(acme.id, app.id), f.applicationMember(acme.id, tokenApp.id, [machineRole.id])]);
    return {
      managementResource,
      admin: { clientId: adminApp.clientId, clientSecret: adminApp.clientSecret! },
      member: { clientId: tokenApp.id, clientSecret: tokenApp.secret },
      organizationId: acme.id,
      ids: [ada.id, grace.id, acme.id, other.id, app.id, role.id],
    };
  });
}

function tokenRequest(world: World, kind: "management" | "organization") {
  const [client, params] =
    kind === "management"
      ? [world.admin, { resource: world.managementResource }]
      : [world.member, { organization_id: world.organizationId }];
  return { path: "/oauth/token", headers: { ...FORM, authorization: basic(client) }, body: new URLSearchParams({ grant_type: "client_credentials", ...params }).toString() };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Resident memory from /proc, the heap and external memory from the server's own /metrics. */
async function sample(service: Service) {
  const { rssMb, peakMb } = service.memory();
  const text = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const metric = (name: string) => Number(new RegExp(`^gatehouse_${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return {
    rssMb,
    peakMb,
    heapUsedMb: mb(metric("nodejs_heap_size_used_bytes")),
    heapTotalMb: mb(metric("nodejs_heap_size_total_bytes")),
    externalMb: mb(metric("nodejs_external_memory_bytes")),
  };
}

async function send(service: Service, request: FuzzRequest, tokens: Record<FuzzRequest["token"], string | undefined>): Promise<number> {
  const token = tokens[request.token];
  const response = await fetch(`${service.url}/graphql${request.search ? `?${request.search}` : ""}`, {
    method: request.method,
    headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  // An accepted subscription streams until the client leaves.
  if (/^(text\/event-stream|multipart\/mixed)/.test(response.headers.get("content-type") ?? "")) await response.body?.cancel();
  else await response.arrayBuffer();
  return response.status;
}

async function benchBackend(backend: Backend, options: MemoryBenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-memory-"));
  const databaseName = `gatehouse_memory_${process.pid}`;
  const database: Record<string, string> =
    backend === "postgres" ? { DATABASE_URL: benchPostgresUrl.replace(/\/[^/]*$/, `/${databaseName}`) } : { GATEHOUSE_DATA_DIR: dataDir };
  if (backend === "postgres") await admin(`CREATE DATABASE ${databaseName}`);
  let service: Service | undefined;
  try {
    const port = await freePort();
    const env = {
      ...gatehouseEnv(port, database, SECRET),
      GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN,
      // The client's idle connections must end before the server's (as in test/fuzz/graphql.test.ts).
      GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS: "120000",
      ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
    };
    const world = await seed(env);
    service = await startService({ name: `gatehouse (${backend})`, args: [...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), join(ROOT, "dist/cli.js"), "serve"], env, port, ready: async (url) => (await fetch(`${url}/readyz`)).ok });
    const running = service;

    const tokenRows: Record<string, string | number>[] = [];
    const ready = await sample(running);
    tokenRows.push({ backend, phase: "ready", "RSS MB": ready.rssMb, "heap used MB": ready.heapUsedMb, "external MB": ready.externalMb });
    for (const kind of ["management", "organization"] as const) {
      const result = await load({ url: `${running.url}/oauth/token`, ...tokenRequest(world, kind), seconds: options.seconds });
      const after = await sample(running);
      tokenRows.push({
        backend,
        phase: `${kind} tokens, ${options.seconds} s: ${result.requestsPerSecond} req/s, ${result.errors} errors`,
        "RSS MB": after.rssMb,
        "heap used MB": after.heapUsedMb,
        "external MB": after.externalMb,
      });
    }
    tokenRows.push({ backend, phase: "peak (VmHWM) so far", "RSS MB": (await sample(running)).peakMb, "heap used MB": "", "external MB": "" });

    const schema = buildSchema();
    const requests = fuzzRequests(schema, { ids: world.ids });
    // Renewed at each checkpoint; a token the mix made impossible (its organization deleted, its role
    // changed) keeps the previous one, which then meets refusals like any other caller's.
    const tokens = async (previous?: Record<FuzzRequest["token"], string | undefined>) => ({
      none: undefined,
      management: await accessToken(running, tokenRequest(world, "management")).catch(() => previous?.management),
      organization: await accessToken(running, tokenRequest(world, "organization")).catch(() => previous?.organization),
    });
    let current = await tokens();
    const rows: Record<string, string | number>[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    const record = async (operations: number) => {
      const now = await sample(running);
      const row = { backend, operations, "RSS MB": now.rssMb, "heap used MB": now.heapUsedMb, "heap committed MB": now.heapTotalMb, "external MB": now.externalMb, "peak RSS MB": now.peakMb, "elapsed s": Math.round((Date.now() - started) / 1000) };
      rows.push(row);
      // As it goes too: a long run's curve is worth having even if the run is stopped.
      console.log(JSON.stringify(row));
    };
    await record(0);
    let sent = 0;
    const marks = CHECKPOINTS.filter((mark) => mark > 0 && mark < options.operations).concat(options.operations);
    for (const [index, mark] of marks.entries()) {
      // Generated in chunks (seeded, so every run sends the same requests).
      const batch = fc.sample(requests, { seed: SEED + index, numRuns: mark - sent });
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) {
            const request = batch[next++]!;
            const status = await send(running, request, current).catch(() => 0);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
      sent = mark;
      await record(sent);
      current = await tokens(current);
    }
    const summary = [...statuses].sort((a, b) => a[0] - b[0]).map(([status, count]) => `${status === 0 ? "failed" : status}: ${count}`).join(", ");
    return { tokenRows, rows, summary };
  } finally {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (backend === "postgres") await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  }
}

export async function benchMemory(options: MemoryBenchOptions): Promise<void> {
  ensureBuilt(options.build);
  const backends: Backend[] = options.only === "postgres" ? [] : ["embedded"];
  if (options.only !== "embedded") {
    if (await postgresAvailable()) backends.push("postgres");
    else console.log("PostgreSQL not reachable (GATEHOUSE_BENCH_DATABASE_URL): embedded database only.");
  }
  for (const backend of backends) {
    const { tokenRows, rows, summary } = await benchBackend(backend, options);
    console.log(`\nmemory under token load (${backend}; autocannon, 8 connections)`);
    report(tokenRows);
    console.log(`\nmemory over the fuzz mix (${backend}; ${CONCURRENCY} at a time; statuses ${summary})`);
    report(rows);
  }
}

