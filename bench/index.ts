// `npm run bench [-- <name>…] [options]`: Gatehouse's benchmarks. Each prints a table; nothing is asserted.
// BENCH_SECONDS sets the duration of each load run (default 10); BENCH_WEBHOOK_RATE the changes per second of `webhooks` (50).
//   npm run bench -- compare [--rounds 3] [--seconds 10] [--warmup 2] [--members 10000] [--build] [--only tokens|pages]
//   npm run bench -- scale [--rounds 3] [--seconds 10] [--warmup 2] [--organizations 100000] [--build]
//   npm run bench -- memory [--operations 50000] [--seconds 10] [--build] [--only embedded|postgres]
//   npm run bench -- start [--rounds 3] [--node <binary>]… [--cli <label>=<path to cli.js>]…
// `compare` (Gatehouse beside oidc-provider and PostGraphile), `scale` (a small database beside a
// large one), `memory` (memory under token load and the fuzz mix) and `start` (time to ready, new
// folder and restart) start Gatehouse as separate processes and run only when named.
import { parseArgs } from "node:util";
import { benchCompare } from "./compare/index.js";
import { benchMembers } from "./members.js";
import { benchMemory } from "./memory.js";
import { benchScale } from "./scale.js";
import { benchStart } from "./start.js";
import { benchSubscriptions } from "./subscriptions.js";
import { benchTokens } from "./tokens.js";
import { benchWebhooks } from "./webhooks.js";
import { type Backend, postgresAvailable, report } from "./support.js";

const { values, positionals: selected } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: process.env.BENCH_SECONDS ?? "10" },
    warmup: { type: "string", default: "2" },
    members: { type: "string", default: "10000" },
    organizations: { type: "string", default: "100000" },
    operations: { type: "string", default: "50000" },
    build: { type: "boolean", default: false },
    only: { type: "string" },
    node: { type: "string", multiple: true },
    cli: { type: "string", multiple: true },
  },
});
const seconds = Number(values.seconds);

if (selected.includes("compare")) {
  if (values.only !== undefined && values.only !== "tokens" && values.only !== "pages") throw new Error("compare: --only takes tokens or pages");
  await benchCompare({
    rounds: Number(values.rounds),
    seconds,
    warmup: Number(values.warmup),
    members: Number(values.members),
    build: values.build,
    ...(values.only === "tokens" || values.only === "pages" ? { only: values.only } : {}),
  });
}

if (selected.includes("scale")) {
  await benchScale({
    rounds: Number(values.rounds),
    seconds,
    warmup: Number(values.warmup),
    organizations: Number(values.organizations),
    build: values.build,
  });
}

if (selected.includes("memory")) {
  if (values.only !== undefined && values.only !== "embedded" && values.only !== "postgres") throw new Error("memory: --only takes embedded or postgres");
  await benchMemory({
    operations: Number(values.operations),
    seconds,
    build: values.build,
    ...(values.only === "embedded" || values.only === "postgres" ? { only: values.only } : {}),
  });
}

if (selected.includes("start")) {
  await benchStart({
    rounds: Number(values.rounds),
    nodes: values.node ?? [process.execPath],
    clis: values.cli ?? ["dist=dist/cli.js"],
  });
}

const benches: Record<string, (backend: Backend) => Promise<Record<string, string | number>[]>> = {
  tokens: (backend) => benchTokens(backend, seconds),
  members: (backend) => benchMembers(backend, seconds),
  subscriptions: (backend) => benchSubscriptions(backend, seconds),
  webhooks: (backend) => benchWebhooks(backend, seconds),
};
const named = selected.filter((name) => name in benches);
if (named.length > 0 || selected.length === 0) {
  const backends: Backend[] = ["embedded"];
  if (await postgresAvailable()) backends.push("postgres");
  else console.log("PostgreSQL not reachable (GATEHOUSE_BENCH_DATABASE_URL): embedded database only.");

  for (const [name, bench] of Object.entries(benches)) {
    if (named.length > 0 && !named.includes(name)) continue;
    const rows: Record<string, string | number>[] = [];
    for (const backend of backends) rows.push(...(await bench(backend)));
    console.log(`\n${name} (${seconds} s per run; latency in ms)`);
    report(rows);
  }
}
