// What the side-by-side benchmarks share: Gatehouse as built, started as its own process in
// production mode; requests; timed runs and their summaries.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type LoadResult, load } from "../support.js";
import { type Service, freePort, startService } from "./processes.js";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const CONNECTIONS = 8;

export interface Client {
  clientId: string;
  clientSecret: string;
}

export interface Request {
  path: string;
  headers: Record<string, string>;
  body: string;
}
export interface Scenario {
  service: Service;
  request: Request;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds `dist/` when it is missing or older than `src/` (or always, with `force`). */
export function ensureBuilt(force: boolean) {
  const built = (() => {
    try {
      return statSync(join(ROOT, "dist/cli.js")).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (!force && built > newestMtime(join(ROOT, "src"))) return;
  console.log("building dist/ (npm run build)…");
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
}

export const basic = (client: Client) => `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;
export const FORM = { "content-type": "application/x-www-form-urlencoded" };
export const JSON_BODY = { "content-type": "application/json" };

/** A management token by client credentials, as every benchmark asks for it. */
export const managementTokenRequest = (world: { admin: Client; managementResource: string }): Request => ({
  path: "/oauth/token",
  headers: { ...FORM, authorization: basic(world.admin) },
  body: new URLSearchParams({ grant_type: "client_credentials", resource: world.managementResource, scope: "organizations:read" }).toString(),
});
/** An M2M application's organization token by client credentials. */
export const organizationTokenRequest = (world: { member: Client; organizationId: string }): Request => ({
  path: "/oauth/token",
  headers: { ...FORM, authorization: basic(world.member) },
  body: new URLSearchParams({ grant_type: "client_credentials", organization_id: world.organizationId }).toString(),
});

/**
 * The token endpoint's rate limits the benchmarks run with, stated rather than inherited from the
 * defaults: one client from one address asks for every token, so these are the limits that count.
 * They are the defaults (src/config/options.ts), which stay above the goal rates.
 */
export const BENCH_TOKEN_RATE_LIMITS = {
  GATEHOUSE_TOKEN_RATE_PER_CLIENT: "100000/10",
  GATEHOUSE_TOKEN_RATE_PER_ADDRESS: "200000/10",
};
export const BENCH_TOKEN_RATE_LIMITS_TEXT = Object.entries(BENCH_TOKEN_RATE_LIMITS)
  .map(([name, value]) => `${name}=${value}`)
  .join(", ");

/** Production mode, as a deployment runs it. */
export function gatehouseEnv(port: number, database: Record<string, string>, secret: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    GATEHOUSE_MODE: "production",
    GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
    GATEHOUSE_SECRET: secret,
    GATEHOUSE_ORGANIZATION_TOKEN_TTL: "3600",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    ...BENCH_TOKEN_RATE_LIMITS,
    ...database,
  };
}

/** `port`: one picked before (tokens signed in-process before the start then name the right issuer). */
export async function startGatehouse(name: string, database: Record<string, string>, secret: string, port?: number): Promise<Service> {
  port ??= await freePort();
  return startService({
    name,
    args: [join(ROOT, "dist/cli.js"), "serve"],
    env: gatehouseEnv(port, database, secret),
    port,
    ready: async (url) => (await fetch(`${url}/readyz`)).ok,
  });
}

export async function send(service: Service, request: Request): Promise<unknown> {
  const response = await fetch(`${service.url}${request.path}`, { method: "POST", headers: request.headers, body: request.body });
  const body = (await response.json()) as { errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${service.name} ${request.path}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

export async function accessToken(service: Service, request: Request): Promise<string> {
  return ((await send(service, request)) as { access_token: string }).access_token;
}

/** A timed run's result, with the server process's CPU time per request (load on the machine changes it little). */
export interface RunResult extends LoadResult {
  cpuMsPerRequest: number;
}

export async function run(scenario: Scenario, seconds: number): Promise<RunResult> {
  const cpuBefore = scenario.service.cpuMs();
  const result = await load({ url: `${scenario.service.url}${scenario.request.path}`, ...scenario.request, connections: CONNECTIONS, seconds });
  return { ...result, cpuMsPerRequest: (scenario.service.cpuMs() - cpuBefore) / Math.max(result.requests, 1) };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Median requests per second, p50 and p99 over rounds, and any errors. */
export function describe(results: RunResult[]): string {
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  return (
    `${Math.round(median(results.map((r) => r.requestsPerSecond))).toLocaleString("en-US")} req/s, ` +
    `p50 ${median(results.map((r) => r.p50))} ms, p99 ${median(results.map((r) => r.p99))} ms, ` +
    `CPU ${median(results.map((r) => r.cpuMsPerRequest)).toFixed(2)} ms/req` +
    (errors ? `, **${errors} errors**` : "")
  );
}
