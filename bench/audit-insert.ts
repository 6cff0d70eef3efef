// `npx tsx bench/audit-insert.ts [--rows 3] [--connections 2] [--seconds 4]`: what PostgreSQL
// spends on the token endpoint's audit INSERT (recordAuditOnly: the same prepared statement and
// row shape), by rows per statement. A freshly migrated database (`dist/cli.js migrate`: build
// first); each connection loops the INSERT, one statement and commit at a time, and the backends'
// CPU time comes from /proc/<pid>/stat (the server must run on this machine). Run it with several
// `--rows` to see what a statement costs against what a row costs (docs/performance.md).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { FixedStatement } from "../src/db/index.js";
import { type AuditOnlyEventInput, recordAuditOnly } from "../src/domain/audit.js";
import { ROOT } from "./compare/harness.js";
import { cpuMsOf } from "./compare/processes.js";
import { admin, benchPostgresUrl, percentile } from "./support.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "3" },
    connections: { type: "string", default: "2" },
    seconds: { type: "string", default: "4" },
  },
});
const rows = Number(values.rows);
const seconds = Number(values.seconds);
const clientId = "cmiq0h3x50000abcdefghijkl";
// A management token's row, as the token endpoint records it.
const event: AuditOnlyEventInput = {
  actor: `application:${clientId}`,
  action: "token.issued",
  data: { grantType: "client_credentials", audience: "https://api.gatehouse.test/management", scope: ["organizations:read"], clientId },
};
const batch = Array.from({ length: rows }, () => event);

const databaseName = `gatehouse_audit_insert_${process.pid}`;
const url = new URL(benchPostgresUrl);
url.pathname = `/${databaseName}`;
await admin(`CREATE DATABASE "${databaseName}"`);
try {
  execFileSync(process.execPath, [join(ROOT, "dist/cli.js"), "migrate"], { env: { ...process.env, DATABASE_URL: url.toString() }, stdio: "ignore" });
  const connections = await Promise.all(
    Array.from({ length: Number(values.connections) }, async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const { pid } = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!;
      const db = { execute: async ({ name, sql }: FixedStatement, params: unknown[]) => void (await client.query({ name, text: sql, values: params })) };
      return { client, pid, db };
    }),
  );
  // Warm: the statement prepared and the trigger's plans cached in every session.
  for (const { db } of connections) for (let i = 0; i < 20; i += 1) await recordAuditOnly(db, batch);
  const cpu = () => connections.reduce((sum, { pid }) => sum + cpuMsOf(pid), 0);
  const before = cpu();
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    connections.map(async ({ db }) => {
      while (Date.now() < end) {
        const started = performance.now();
        await recordAuditOnly(db, batch);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const backendMs = cpu() - before;
  const statements = latencies.length;
  console.log(
    `${rows} row(s) per statement, ${connections.length} connection(s): ${Math.round((statements * rows) / seconds)} rows/s, ` +
      `statement p50 ${percentile(latencies, 50).toFixed(2)} ms; backend CPU ${(backendMs / statements).toFixed(3)} ms per statement, ` +
      `${(backendMs / statements / rows).toFixed(3)} ms per row`,
  );
  for (const { client } of connections) await client.end();
} finally {
  await admin(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
}
