// Benchmark plumbing: a real server on the embedded database or on a fresh PostgreSQL database,
// and autocannon runs against it. Numbers are printed, never asserted.
import autocannon from "autocannon";
import pg from "pg";
import { loadConfig } from "../src/config/index.js";
import { createLogger } from "../src/logger.js";
import { type RunningServer, startServer } from "../src/server.js";

export type Backend = "embedded" | "postgres";

export interface BenchServer extends RunningServer {
  close(): Promise<void>;
}

/** The PostgreSQL server benchmarks use; unset or unreachable means embedded only. */
export const benchPostgresUrl = process.env.GATEHOUSE_BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: benchPostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Runs one statement on the benchmark server's maintenance database (CREATE/DROP DATABASE). */
export async function admin(sql: string) {
  const client = new pg.Client({ connectionString: benchPostgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function startBenchServer(backend: Backend, env: Record<string, string> = {}): Promise<BenchServer> {
  let database: { env: Record<string, string>; drop: () => Promise<void> };
  if (backend === "postgres") {
    const name = `gatehouse_bench_${process.pid}_${Date.now().toString(36)}`;
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(benchPostgresUrl);
    url.pathname = `/${name}`;
    database = { env: { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: "10" }, drop: () => admin(`DROP DATABASE "${name}" WITH (FORCE)`) };
  } else {
    database = { env: { GATEHOUSE_DATA_DIR: "memory://" }, drop: async () => {} };
  }
  const config = loadConfig({ GATEHOUSE_MODE: "development", PORT: "0", LOG_LEVEL: "silent", ...database.env, ...env });
  const server = await startServer(config, createLogger("silent"));
  return {
    ...server,
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

/** A management token (every scope) from client credentials, as the admin application gets one. */
export async function managementToken(server: BenchServer, client: { clientId: string; clientSecret?: string | null }): Promise<string> {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource: server.services.config.tokens.managementResource }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** POSTs `body` for `seconds` with `connections` concurrent connections. */
export async function load(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections?: number;
  seconds?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: "POST",
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 8,
    duration: options.seconds ?? 10,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors,
  };
}

export function report(rows: Record<string, string | number>[]): void {
  console.table(rows);
}

/** The p-th percentile of `values` (nearest rank), rounded to 0.1; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}
