// `npx tsx bench/profile.ts [--backend postgres|embedded] [--seconds 10] [--work tokens|member-page]
// [--members 10000] [--cpu-only] [--kinds management,organization] [--out file.cpuprofile] [--allocations file.heapprofile]`:
// a CPU profile of the built server (`node --cpu-prof dist/cli.js serve`,
// production mode) under load at 8 connections, management token then organization token:
// client_credentials (`tokens`) or the member page (`member-page`: 100 members of a
// `--members` organization, test/support/world.ts's MEMBER_PAGE). Start-up is excluded from
// nothing (the profile covers the process's life). Prints where the samples went: by component
// (Gatehouse's code, each package, garbage collection, Node's internals) and the top functions by
// self time. Each load also prints the server's CPU time per request (/proc/<pid>/stat; in brackets,
// its main thread's, the event loop that serves every request: the part one process cannot spread), which a
// loaded machine disturbs far less than requests per second: `--cpu-only` measures just that,
// without the profiler, to compare two builds. Beside it: the CPU per request of the server's
// PostgreSQL backends (on this machine, found through pg_stat_activity) and of the load generator
// (autocannon runs in this process), which share the same cores; for tokens on PostgreSQL, the audit
// rows per INSERT (the group commit's batch size: each INSERT is a transaction, counted by its rows'
// `xmin`). `--kinds organization,management,…`
// sets which token loads run, in which order (a process's first load costs the most).
// `--allocations` also samples what the server allocates, freed objects included
// (bench/allocation-sampler.mjs), and prints the functions that allocate the most: garbage
// collection is a sixth of the member page's CPU. Build first (`npm run build`).
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { MEMBER_PAGE } from "../test/support/world.js";
import { FORM, JSON_BODY, ROOT, accessToken, basic, gatehouseEnv } from "./compare/harness.js";
import { cpuMsOf, freePort, startService } from "./compare/processes.js";
import { seedGatehouse } from "./compare/world.js";
import { admin, benchPostgresUrl, load } from "./support.js";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "postgres" },
    seconds: { type: "string", default: "10" },
    work: { type: "string", default: "tokens" },
    members: { type: "string", default: "10000" },
    /** No profiler: only the server's CPU time per request (comparable between builds under load). */
    "cpu-only": { type: "boolean", default: false },
    /** The token kinds in the order loaded, e.g. `organization,management,organization` (the first load of a process costs the most). */
    kinds: { type: "string", default: "management,organization" },
    // Keeps the raw profile (for Chrome DevTools, or `--cpu-prof` frames by total time).
    out: { type: "string" },
    allocations: { type: "string" },
  },
});
if (values.work !== "tokens" && values.work !== "member-page") throw new Error("--work is tokens or member-page");
const seconds = Number(values.seconds);
const allocationFile = values.allocations && resolve(values.allocations);
const secret = "profile-secret-profile-secret-profile-secret";
const profileDir = mkdtempSync(join(tmpdir(), "gatehouse-profile-"));
const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-profile-data-"));
const databaseName = `gatehouse_profile_${process.pid}`;
const database: Record<string, string> =
  values.backend === "postgres"
    ? { DATABASE_URL: benchPostgresUrl.replace(/\/[^/]*$/, `/${databaseName}`) }
    : { GATEHOUSE_DATA_DIR: dataDir };
if (values.backend === "postgres") await admin(`CREATE DATABASE ${databaseName}`);

try {
  const port = await freePort();
  const env = gatehouseEnv(port, database, secret);
  const world = await seedGatehouse(env, values.work === "member-page" ? Number(values.members) : 10);
  const service = await startService({
    name: "gatehouse",
    args: [
      ...(values["cpu-only"] ? [] : ["--cpu-prof", "--cpu-prof-dir", profileDir]),
      ...(allocationFile ? ["--import", pathToFileURL(join(ROOT, "bench/allocation-sampler.mjs")).href] : []),
      join(ROOT, "dist/cli.js"),
      "serve",
    ],
    env: { ...env, ...(allocationFile ? { BENCH_ALLOCATION_PROFILE: allocationFile } : {}) },
    port,
    ready: async (url) => (await fetch(`${url}/readyz`)).ok,
  });
  const tokenKinds = {
    management: ["management token", world.admin, { resource: world.managementResource, scope: "organizations:read" }],
    organization: ["organization token", world.member, { organization_id: world.organizationId }],
  } as const;
  const tokenRequests = values.kinds.split(",").map((kind) => {
    if (kind !== "management" && kind !== "organization") throw new Error("--kinds lists management and organization");
    return tokenKinds[kind];
  });
  for (const [name, client, params] of tokenRequests) {
    const tokenRequest = {
      path: "/oauth/token",
      headers: { ...FORM, authorization: basic(client) },
      body: new URLSearchParams({ grant_type: "client_credentials", ...params }).toString(),
    };
    const request =
      values.work === "tokens"
        ? tokenRequest
        : {
            path: "/graphql",
            headers: { ...JSON_BODY, authorization: `Bearer ${await accessToken(service, tokenRequest)}` },
            body: JSON.stringify({ query: MEMBER_PAGE, variables: { id: world.organizationId, first: 100 } }),
          };
    // Untimed first: the JIT, the pools and the caches (the second load would otherwise look cheaper).
    await load({ url: `${service.url}${request.path}`, seconds: 2, headers: request.headers, body: request.body });
    const backends = values.backend === "postgres" ? await postgresBackendsCpu(databaseName) : undefined;
    const auditBefore = values.work === "tokens" && values.backend === "postgres" ? await lastAuditId(databaseName) : undefined;
    const cpuBefore = service.cpuMs();
    const mainThreadBefore = cpuMsOf(service.pid, service.pid);
    const loaderBefore = process.cpuUsage();
    const result = await load({ url: `${service.url}${request.path}`, seconds, headers: request.headers, body: request.body });
    const cpuPerRequest = (service.cpuMs() - cpuBefore) / Math.max(result.requests, 1);
    const mainThreadPerRequest = (cpuMsOf(service.pid, service.pid) - mainThreadBefore) / Math.max(result.requests, 1);
    const backendsPerRequest = ((await backends?.stop()) ?? 0) / Math.max(result.requests, 1);
    const loader = process.cpuUsage(loaderBefore);
    const inserts = auditBefore === undefined ? undefined : await auditInsertsSince(databaseName, auditBefore);
    const loaderPerRequest = (loader.user + loader.system) / 1000 / Math.max(result.requests, 1);
    const unit = values.work === "tokens" ? "tok/s" : "req/s";
    console.log(
      `${values.work}, ${name}: ${Math.round(result.requestsPerSecond)} ${unit}, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${result.errors} errors; server CPU ${cpuPerRequest.toFixed(2)} ms per request (main thread ${mainThreadPerRequest.toFixed(2)})` +
        (values.backend === "postgres" ? `, its PostgreSQL backends ${backendsPerRequest.toFixed(2)} ms` : "") +
        `; load generator (autocannon, this process) ${loaderPerRequest.toFixed(2)} ms` +
        (inserts ? `; audit rows per INSERT ${(inserts.rows / Math.max(inserts.statements, 1)).toFixed(2)} (${inserts.statements} INSERTs)` : ""),
    );
  }
  await service.stop();
  if (!values["cpu-only"]) {
    const profileFile = join(profileDir, readdirSync(profileDir)[0]!);
    if (values.out) copyFileSync(profileFile, values.out);
    report(JSON.parse(readFileSync(profileFile, "utf8")) as Profile);
  }
  if (allocationFile) reportAllocations(JSON.parse(readFileSync(allocationFile, "utf8")) as AllocationProfile);
} finally {
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  if (values.backend === "postgres") await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
}

/**
 * CPU time of the server's PostgreSQL backends (their processes are on this machine: what the
 * database spends per request is CPU the two cores do not give the server or the load
 * generator). The pool opens and closes connections under load, so the backends are looked up
 * every 100 ms and each one's last reading kept (a backend that ends takes at most 100 ms of its
 * time with it; one opened during the run counts whole). `stop()` gives the ms used since the call.
 */
async function postgresBackendsCpu(database: string): Promise<{ stop(): Promise<number> }> {
  const client = new pg.Client({ connectionString: benchPostgresUrl });
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let running = true;
  let initial = true;
  // A backend first seen after the first look was opened during the run: all its time counts.
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
    for (const { pid } of rows) {
      try {
        const ms = cpuMsOf(pid);
        if (!first.has(pid)) first.set(pid, initial ? ms : 0);
        last.set(pid, ms);
      } catch {
        // ended between the lookup and the read
      }
    }
  };
  await client.connect();
  await sample();
  initial = false;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sample();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      let total = 0;
      for (const [pid, ms] of last) total += ms - first.get(pid)!;
      return total;
    },
  };
}

/** The newest audit event's id (the token loads' rows come after it). */
async function lastAuditId(database: string): Promise<string> {
  return withDatabase(database, async (client) => (await client.query<{ id: string }>('SELECT COALESCE(max("id"), 0)::text AS "id" FROM "audit_events"')).rows[0]!.id);
}

/**
 * Audit rows written after `afterId`, and in how many INSERTs: each audit INSERT of the token
 * endpoint is a transaction of its own, so the rows' distinct `xmin` (the inserting transaction)
 * counts the statements, without instrumenting the server.
 */
async function auditInsertsSince(database: string, afterId: string): Promise<{ rows: number; statements: number }> {
  return withDatabase(database, async (client) => {
    const { rows } = await client.query<{ rows: number; statements: number }>(
      'SELECT count(*)::integer AS "rows", count(DISTINCT "xmin"::text)::integer AS "statements" FROM "audit_events" WHERE "id" > $1::bigint',
      [afterId],
    );
    return rows[0]!;
  });
}

async function withDatabase<T>(database: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(benchPostgresUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
}

function component(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes("/dist/")) return "gatehouse (dist/)";
  if (url.startsWith("node:")) return "node internals";
  return url;
}

function report(profile: Profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // Total time: a sample counts once for every distinct function on its stack.
  const byFunctionTotal = new Map<string, number>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frameName = (id: number) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    return `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/")}:${lineNumber + 1}`;
  };
  for (const id of profile.samples) {
    const { functionName, url } = nodes.get(id)!.callFrame;
    const name = component(url, functionName);
    byComponent.set(name, (byComponent.get(name) ?? 0) + 1);
    const frame = frameName(id);
    byFunction.set(frame, (byFunction.get(frame) ?? 0) + 1);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) onStack.add(frameName(at));
    for (const name of onStack) byFunctionTotal.set(name, (byFunctionTotal.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, count]) => `  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log(`\n${total} samples, by component:\n${top(byComponent, 12).join("\n")}`);
  console.log(`\ntop functions by self time:\n${top(byFunction, 15).join("\n")}`);
  byFunctionTotal.delete("(root) :0");
  console.log(`\ntop functions by total time (self and callees):\n${top(byFunctionTotal, 25).join("\n")}`);
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}
interface AllocationProfile {
  head: AllocationNode;
}

/** Bytes allocated (sampled, start-up included) by component and by the allocating function. */
function reportAllocations(profile: AllocationProfile) {
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const pending = [profile.head];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    pending.push(...node.children);
    if (node.selfSize === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = component(url, functionName);
    const frame = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/")}:${lineNumber + 1}`;
    byComponent.set(name, (byComponent.get(name) ?? 0) + node.selfSize);
    byFunction.set(frame, (byFunction.get(frame) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, bytes]) => `  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log(`\n${(total / 1e6).toFixed(0)} MB allocated (sampled), by component:\n${top(byComponent, 12).join("\n")}`);
  console.log(`\ntop allocating functions (a name without a file is a built-in, such as Map or sort):\n${top(byFunction, 20).join("\n")}`);
}
