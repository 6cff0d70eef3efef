// `npx tsx bench/ab.ts [--rounds 10] [--seconds 3] [--members 1000] [--token both|management|organization]
// <build>[:<node flag>…] <build>…`: server CPU per member page (test/support/world.ts's MEMBER_PAGE)
// of two or more builds, compared on a shared, loaded machine. Each <build> is a folder of the
// repository holding a bundle (`cp -a dist dist.before` before rebuilding), optionally with node
// flags (`dist:--max-semi-space-size=32`). One PostgreSQL database seeded once, every build served
// from it side by side, each loaded in turn for a short burst, in an order reversed every round: the
// machine's load changes little within a round, so each round gives a paired sample, and the
// median of the paired ratios says more than two runs minutes apart (bench/profile.ts --cpu-only).
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MEMBER_PAGE } from "../test/support/world.js";
import { FORM, JSON_BODY, ROOT, accessToken, basic, gatehouseEnv, median } from "./compare/harness.js";
import { type Service, freePort, startService } from "./compare/processes.js";
import { seedGatehouse } from "./compare/world.js";
import { admin, benchPostgresUrl, load } from "./support.js";

const { values, positionals: builds } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "10" },
    seconds: { type: "string", default: "3" },
    members: { type: "string", default: "1000" },
    token: { type: "string", default: "both" },
  },
});
if (builds.length < 2) throw new Error("name two builds or more (folders holding cli.js)");
const secret = "ab-secret-ab-secret-ab-secret-ab-secret-ab";
const databaseName = `gatehouse_ab_${process.pid}`;
const database = { DATABASE_URL: benchPostgresUrl.replace(/\/[^/]*$/, `/${databaseName}`) };

interface Page {
  token: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
interface Side {
  build: string;
  service: Service;
  pages: Page[];
}

async function startSide(build: string, world: Awaited<ReturnType<typeof seedGatehouse>>): Promise<Side> {
  const [folder, ...flags] = build.split(":");
  const port = await freePort();
  const service = await startService({
    name: build,
    args: [...flags, join(ROOT, folder!, "cli.js"), "serve"],
    env: gatehouseEnv(port, database, secret),
    port,
    ready: async (url) => (await fetch(`${url}/readyz`)).ok,
  });
  const tokenRequests = [
    ["management", world.admin, { resource: world.managementResource, scope: "organizations:read" }],
    ["organization", world.member, { organization_id: world.organizationId }],
  ] as const;
  const pages: Page[] = [];
  for (const [token, client, params] of tokenRequests) {
    if (values.token !== "both" && values.token !== token) continue;
    const body = new URLSearchParams({ grant_type: "client_credentials", ...params }).toString();
    const bearer = await accessToken(service, { path: "/oauth/token", headers: { ...FORM, authorization: basic(client) }, body });
    pages.push({
      token,
      url: `${service.url}/graphql`,
      headers: { ...JSON_BODY, authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: MEMBER_PAGE, variables: { id: world.organizationId, first: 100 } }),
    });
  }
  return { build, service, pages };
}

await admin(`CREATE DATABASE ${databaseName}`);
const sides: Side[] = [];
try {
  const world = await seedGatehouse(gatehouseEnv(await freePort(), database, secret), Number(values.members));
  for (const build of builds) sides.push(await startSide(build, world));
  // Untimed first: the JIT, the pools and the caches.
  for (const side of sides) for (const page of side.pages) await load({ ...page, seconds: 3 });
  const samples = new Map<string, number[]>();
  for (let round = 1; round <= Number(values.rounds); round++) {
    const line: string[] = [];
    for (const side of round % 2 ? sides : [...sides].reverse()) {
      for (const page of side.pages) {
        const before = side.service.cpuMs();
        const result = await load({ ...page, seconds: Number(values.seconds) });
        if (result.errors > 0) throw new Error(`${side.build}, ${page.token} token: ${result.errors} errors`);
        const ms = (side.service.cpuMs() - before) / Math.max(result.requests, 1);
        const key = `${side.build}, ${page.token} token`;
        samples.set(key, [...(samples.get(key) ?? []), ms]);
        line.push(`${key} ${ms.toFixed(2)}`);
      }
    }
    console.log(`round ${round}, load average ${loadavg()[0]!.toFixed(1)}: ${line.join(" | ")}`);
  }
  console.log("server CPU per page (ms):");
  for (const [key, ms] of samples) console.log(`  ${key}: median ${median(ms).toFixed(2)}, min ${Math.min(...ms).toFixed(2)}`);
  const [first, ...others] = sides;
  for (const page of first!.pages) {
    const base = samples.get(`${first!.build}, ${page.token} token`)!;
    for (const other of others) {
      const ratios = samples.get(`${other.build}, ${page.token} token`)!.map((ms, i) => ms / base[i]!);
      console.log(
        `  ${page.token} token, ${other.build} / ${first!.build}: median of the paired ratios ${median(ratios).toFixed(3)} ` +
          `(${ratios.map((ratio) => ratio.toFixed(2)).join(" ")})`,
      );
    }
  }
} finally {
  for (const side of sides) await side.service.stop();
  await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
}
