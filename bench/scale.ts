// `npm run bench -- scale`: does Gatehouse slow down as the database grows? Two PostgreSQL
// databases differ only in their background — 1,000 organizations / 10,000 memberships against
// 100,000 organizations / 1,000,000 memberships (`--organizations`, 10 memberships per
// background user) — and both hold the same 10,000-member organization. Timed runs alternate
// between the two (Gatehouse built, production mode, one process per database). On the large
// database, a user in 2,000 organizations is compared with a user in one.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { withServices } from "../src/cli/services.js";
import { loadConfig } from "../src/config/index.js";
import { bootstrap } from "../src/domain/bootstrap.js";
import { IDENTITY_AUDIENCE } from "../src/domain/users.js";
import { fixtures } from "../test/support/fixtures.js";
import { MEMBER_PAGE } from "../test/support/world.js";
import {
  type Client,
  FORM,
  JSON_BODY,
  type Request,
  type Scenario,
  accessToken,
  ensureBuilt,
  gatehouseEnv,
  managementTokenRequest,
  median,
  organizationTokenRequest,
  run,
  send,
  startGatehouse,
} from "./compare/harness.js";
import { type Service, freePort } from "./compare/processes.js";
import { backgroundOrganizations, joinBackgroundOrganizations, organizationWithMembers } from "./seed.js";
import { type LoadResult, admin, benchPostgresUrl } from "./support.js";

export interface ScaleOptions {
  rounds: number;
  seconds: number;
  warmup: number;
  /** Background organizations of the large database (the small one has 1,000). */
  organizations: number;
  build: boolean;
}

const MEMBERSHIPS_PER_USER = 10;
const HEAVY_USER_ORGANIZATIONS = 2_000;
const VIEWER_PAGE = `{ viewer { organizations(first: 20) { totalCount edges { node {
  id name roles { id name } permissions joinedAt
} } } } }`;
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

interface World {
  managementResource: string;
  admin: Client;
  member: Client;
  organizationId: string;
  /** Identity tokens of a user in 2,000 organizations and of a user in one, and one organization of each. */
  heavy: { identity: string; organizationId: string };
  light: { identity: string; organizationId: string };
}

/**
 * `work`, tried up to three times: on a loaded machine an interactive transaction (bootstrap's)
 * can pass Prisma's 5 s limit and roll back; it then runs again from the start.
 */
async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 3) throw error;
      console.log(`seeding: attempt ${attempt} failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); trying again`);
    }
  }
}

async function seed(env: Record<string, string>, organizations: number): Promise<World> {
  const config = loadConfig({ ...env, LOG_LEVEL: "warn" });
  return withServices(config, async (services) => {
    const { db } = services;
    const { prisma } = db;
    const managementResource = config.tokens.managementResource;
    const adminClient = await withRetries(() => bootstrap(prisma, managementResource));
    const f = fixtures(prisma);
    const { organization } = await organizationWithMembers(db, 10_000, "big");
    const application = await f.application("bench member application");
    const reader = await f.organizationRole({ name: "bench-reader", type: "MACHINE_TO_MACHINE", permissions: ["read:organization", "read:members"] });
    await f.applicationMember(organization.id, application.id, [reader.id]);
    const { role } = await backgroundOrganizations(db, organizations, MEMBERSHIPS_PER_USER, "bg");
    const heavy = await f.user({ name: "In 2,000 organizations" });
    const light = await f.user({ name: "In one organization" });
    await joinBackgroundOrganizations(db, heavy.id, Math.min(HEAVY_USER_ORGANIZATIONS, organizations), "bg", role.id);
    await joinBackgroundOrganizations(db, light.id, 1, "bg", role.id);
    // VACUUM as well: a million fresh rows otherwise have autovacuum visit them during the timed
    // runs (on the large side only), and index-only scans still read the heap (no visibility map).
    await db.pool.withSession((session) => session.query("VACUUM ANALYZE"));
    const identity = (userId: string) =>
      services.tokens.sign({ sub: userId, aud: IDENTITY_AUDIENCE, client_id: "bench", scope: "" }, 24 * 3600);
    return {
      managementResource,
      admin: { clientId: adminClient.clientId, clientSecret: adminClient.clientSecret! },
      member: { clientId: application.id, clientSecret: application.secret },
      organizationId: organization.id,
      // The last organization the heavy user joined (the order does not favour either side).
      heavy: { identity: await identity(heavy.id), organizationId: `o-bg-${Math.min(HEAVY_USER_ORGANIZATIONS, organizations)}` },
      light: { identity: await identity(light.id), organizationId: "o-bg-1" },
    };
  });
}

const userOrganizationToken = (user: World["heavy"]): Request => ({
  path: "/oauth/token",
  headers: FORM,
  body: new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    subject_token: user.identity,
    subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    organization_id: user.organizationId,
  }).toString(),
});
const graphql = (token: string, query: string, variables: object = {}): Request => ({
  path: "/graphql",
  headers: { ...JSON_BODY, authorization: `Bearer ${token}` },
  body: JSON.stringify({ query, variables }),
});

interface Row {
  work: string;
  a: Scenario;
  b: Scenario;
  labels: [string, string];
}

export async function benchScale(options: ScaleOptions): Promise<void> {
  ensureBuilt(options.build);
  const secret = randomBytes(32).toString("base64url");
  const sizes = [
    { label: "1,000 organizations", organizations: 1_000 },
    { label: `${options.organizations.toLocaleString("en-US")} organizations`, organizations: options.organizations },
  ];
  const databases = sizes.map((size) => {
    const name = `gatehouse_scale_${size.organizations}_${process.pid}_${Date.now().toString(36)}`;
    const url = new URL(benchPostgresUrl);
    url.pathname = `/${name}`;
    return { ...size, name, env: { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: "10" }, port: 0 };
  });
  const services: Service[] = [];
  try {
    const worlds: World[] = [];
    for (const database of databases) {
      await admin(`CREATE DATABASE "${database.name}"`);
      const started = Date.now();
      // The bulk INSERTs of a million rows outlast a request's statement_timeout (10 s): seeding
      // gets the longest one the option allows.
      // The port is picked now: identity tokens signed while seeding name the server's issuer.
      database.port = await freePort();
      const seedEnv = { ...gatehouseEnv(database.port, database.env, secret), GATEHOUSE_OPERATION_TIMEOUT_MS: "600000" };
      worlds.push(await seed(seedEnv, database.organizations));
      console.log(
        `seeded ${database.label} (${(database.organizations * MEMBERSHIPS_PER_USER + 10_000 + HEAVY_USER_ORGANIZATIONS + 1).toLocaleString("en-US")} memberships) in ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
    for (const database of databases) services.push(await startGatehouse(`Gatehouse (${database.label})`, database.env, secret, database.port));
    const [small, large] = services as [Service, Service];
    const [smallWorld, largeWorld] = worlds as [World, World];

    const page = async (service: Service, world: World) =>
      graphql(await accessToken(service, managementTokenRequest(world)), MEMBER_PAGE, { id: world.organizationId, first: 100 });
    const viewer = async (user: World["heavy"]) => graphql(user.identity, VIEWER_PAGE);
    const bySize = (work: string, request: (service: Service, world: World) => Request | Promise<Request>) => async (): Promise<Row> => ({
      work,
      a: { service: small, request: await request(small, smallWorld) },
      b: { service: large, request: await request(large, largeWorld) },
      labels: [sizes[0]!.label, sizes[1]!.label],
    });
    const byUser = (work: string, request: (user: World["heavy"]) => Request | Promise<Request>) => async (): Promise<Row> => ({
      work,
      a: { service: large, request: await request(largeWorld.light) },
      b: { service: large, request: await request(largeWorld.heavy) },
      labels: ["user in 1 organization", `user in ${HEAVY_USER_ORGANIZATIONS.toLocaleString("en-US")}`],
    });
    const rows = await Promise.all([
      bySize("client_credentials, management token", (_service, world) => managementTokenRequest(world)),
      bySize("client_credentials + organization_id", (_service, world) => organizationTokenRequest(world)),
      bySize("member page (100 of 10,000, management token)", page),
      byUser("viewer { organizations(first: 20) }", viewer),
      byUser("token exchange → organization token", userOrganizationToken),
    ].map((row) => row()));
    for (const row of rows) {
      await send(row.a.service, row.a.request); // the requests work before they are timed
      await send(row.b.service, row.b.request);
    }
    if (options.warmup > 0) for (const row of rows) for (const s of [row.a, row.b]) await run(s, options.warmup);
    const results = new Map<Row, { a: LoadResult[]; b: LoadResult[]; ratios: number[]; cpu: { a: number[]; b: number[] } }>(
      rows.map((row) => [row, { a: [], b: [], ratios: [], cpu: { a: [], b: [] } }]),
    );
    for (let round = 0; round < options.rounds; round += 1) {
      console.log(`round ${round + 1} of ${options.rounds}…`);
      for (const row of rows) {
        const result = results.get(row)!;
        const order = round % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
        for (const side of order) {
          const cpuBefore = row[side].service.cpuMs();
          const loadResult = await run(row[side], options.seconds);
          result[side].push(loadResult);
          result.cpu[side].push((row[side].service.cpuMs() - cpuBefore) / Math.max(loadResult.requests, 1));
        }
        result.ratios.push(result.b.at(-1)!.p50 / Math.max(result.a.at(-1)!.p50, 1));
      }
    }
    const p50 = (results: LoadResult[], cpu: number[]) =>
      `p50 ${median(results.map((r) => r.p50))} ms, ${Math.round(median(results.map((r) => r.requestsPerSecond)))} req/s, ` +
      `server CPU ${median(cpu).toFixed(1)} ms/request`;
    console.log(
      `\n${options.rounds} round(s) × ${options.seconds} s per run, 8 connections; medians; ratio = p50 of the large side ÷ p50 of the small side (goal ≤ 1.5); ` +
        `server CPU = the Gatehouse process's CPU time per request; load average (1, 5, 15 min) at the end: ${loadavg().map((n) => n.toFixed(2)).join(", ")}\n`,
    );
    console.log("| work | small side | large side | p50 ratio |\n|---|---|---|---|");
    for (const row of rows) {
      const result = results.get(row)!;
      console.log(
        `| ${row.work} | ${row.labels[0]}: ${p50(result.a, result.cpu.a)} | ${row.labels[1]}: ${p50(result.b, result.cpu.b)} | ` +
          `${median(result.ratios).toFixed(2)}× |`,
      );
    }
  } finally {
    for (const service of services) await service.stop();
    for (const database of databases) await admin(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`);
  }
}
