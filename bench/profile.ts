// `npx tsx bench/profile.ts [--backend postgres|embedded] [--seconds 10] [--out file.cpuprofile]`: a CPU profile of the
// built server (`node --cpu-prof dist/cli.js serve`, production mode) under client_credentials
// load (management token, then organization token, 8 connections), start-up excluded from
// nothing (the profile covers the process's life). Prints where the samples went: by component
// (Gatehouse's code, each package, garbage collection, Node's internals) and the top functions by
// self time. Build first (`npx tsc -p tsconfig.build.json`).
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FORM, ROOT, basic, gatehouseEnv } from "./compare/harness.js";
import { freePort, startService } from "./compare/processes.js";
import { seedGatehouse } from "./compare/world.js";
import { admin, benchPostgresUrl, load } from "./support.js";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "postgres" },
    seconds: { type: "string", default: "10" },
    // Keeps the raw profile (for Chrome DevTools, or `--cpu-prof` frames by total time).
    out: { type: "string" },
  },
});
const seconds = Number(values.seconds);
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
  const world = await seedGatehouse(env, 10);
  const service = await startService({
    name: "gatehouse",
    args: ["--cpu-prof", "--cpu-prof-dir", profileDir, join(ROOT, "dist/cli.js"), "serve"],
    env,
    port,
    ready: async (url) => (await fetch(`${url}/readyz`)).ok,
  });
  const url = `${service.url}/oauth/token`;
  for (const [name, client, params] of [
    ["management token", world.admin, { resource: world.managementResource, scope: "organizations:read" }],
    ["organization token", world.member, { organization_id: world.organizationId }],
  ] as const) {
    const result = await load({
      url,
      seconds,
      headers: { ...FORM, authorization: basic(client) },
      body: new URLSearchParams({ grant_type: "client_credentials", ...params }).toString(),
    });
    console.log(`${name}: ${Math.round(result.requestsPerSecond)} tok/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors`);
  }
  await service.stop();
  const profileFile = join(profileDir, readdirSync(profileDir)[0]!);
  if (values.out) copyFileSync(profileFile, values.out);
  report(JSON.parse(readFileSync(profileFile, "utf8")) as Profile);
} finally {
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  if (values.backend === "postgres") await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
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
