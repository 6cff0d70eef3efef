// `npm run bench [-- <name>…]`: Gatehouse's benchmarks. Each prints a table; nothing is asserted.
// BENCH_SECONDS sets the duration of each load run (default 10).
import { benchMembers } from "./members.js";
import { benchSubscriptions } from "./subscriptions.js";
import { benchTokens } from "./tokens.js";
import { type Backend, postgresAvailable, report } from "./support.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const selected = process.argv.slice(2);
const benches: Record<string, (backend: Backend) => Promise<Record<string, string | number>[]>> = {
  tokens: (backend) => benchTokens(backend, seconds),
  members: (backend) => benchMembers(backend, seconds),
  subscriptions: (backend) => benchSubscriptions(backend, seconds),
};

const backends: Backend[] = ["embedded"];
if (await postgresAvailable()) backends.push("postgres");
else console.log("PostgreSQL not reachable (GATEHOUSE_BENCH_DATABASE_URL): embedded database only.");

for (const [name, bench] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  const rows: Record<string, string | number>[] = [];
  for (const backend of backends) rows.push(...(await bench(backend)));
  console.log(`\n${name} (${seconds} s per run; latency in ms)`);
  report(rows);
}
