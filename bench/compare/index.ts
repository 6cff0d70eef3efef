// `npm run bench -- compare`: Gatehouse side by side with what users would run instead, each a
// separate process on this machine — node-oidc-provider 9 for client-credentials tokens,
// PostGraphile 5 (over the database Gatehouse migrated) for the member page. Timed runs alternate
// Gatehouse and the peer (the order flips every round); a row's ratio is the median of its
// per-round ratios. SQL statements are counted on the wire in front of second, untimed instances.
// Nothing is asserted on time; the checks before timing make sure both sides do the same work.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { MEMBER_PAGE } from "../../test/support/world.js";
import { admin, benchPostgresUrl } from "../support.js";
import {
  CONNECTIONS,
  type Client,
  FORM,
  JSON_BODY,
  ROOT,
  type Request,
  type RunResult,
  type Scenario,
  BENCH_TOKEN_RATE_LIMITS_TEXT,
  accessToken,
  basic,
  describe,
  ensureBuilt,
  gatehouseEnv,
  managementTokenRequest,
  median,
  organizationTokenRequest,
  run,
  send,
  startGatehouse,
} from "./harness.js";
import { type Service, freePort, startService } from "./processes.js";
import { startStatementCounter } from "./wire-count.js";
import { type GatehouseWorld, seedGatehouse } from "./world.js";

export interface CompareOptions {
  rounds: number;
  /** Seconds per timed run. */
  seconds: number;
  /** Seconds of untimed load per scenario before the first round (JIT, pools, caches). */
  warmup: number;
  /** Members of the organization whose first page is read. */
  members: number;
  /** Rebuild `dist/` even when it is newer than `src/`. */
  build: boolean;
  /** Only these rows: token issuance or member pages (both when undefined). */
  only?: "tokens" | "pages";
}

const PAGE_SIZE = 100;

interface Row {
  work: string;
  gatehouse: Scenario;
  peer: Scenario;
  /** PostgreSQL rows: the same request to the counted instance, given that instance's tokens. */
  counted?: (tokens: Tokens) => Request;
  statements?: { gatehouse: number; peer: number };
}
interface Tokens {
  management: string;
  organization: string;
}

// ---------------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------------





async function startOidcProvider(): Promise<Service> {
  const port = await freePort();
  return startService({
    name: "oidc-provider",
    args: [join(ROOT, "bench/peers/oidc-provider.mjs")],
    env: { NODE_ENV: "production", BENCH_CLIENT_SECRET: OIDC_CLIENT.clientSecret },
    port,
    ready: async (url) => (await fetch(`${url}/.well-known/openid-configuration`)).ok,
  });
}

async function startPostGraphile(databaseUrl: string): Promise<Service> {
  const port = await freePort();
  return startService({
    name: "PostGraphile",
    args: [join(ROOT, "bench/peers/postgraphile.mjs")],
    env: { NODE_ENV: "production", DATABASE_URL: databaseUrl },
    port,
    ready: async (url) =>
      (await fetch(`${url}/graphql`, { method: "POST", headers: JSON_BODY, body: '{"query":"{__typename}"}' })).ok,
  });
}

/** oidc-provider's static client and resource (bench/peers/oidc-provider.mjs). */
const OIDC_CLIENT: Client = { clientId: "bench-machine", clientSecret: randomBytes(24).toString("base64url") };
const OIDC_RESOURCE = "https://api.bench.example";

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const oidcTokenRequest: Request = {
  path: "/token",
  headers: { ...FORM, authorization: basic(OIDC_CLIENT) },
  body: new URLSearchParams({ grant_type: "client_credentials", resource: OIDC_RESOURCE, scope: "organizations:read" }).toString(),
};
const gatehousePageRequest = (world: GatehouseWorld, token: string): Request => ({
  path: "/graphql",
  headers: { ...JSON_BODY, authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: MEMBER_PAGE, variables: { id: world.organizationId, first: PAGE_SIZE } }),
});

/** The same page in PostGraphile's schema: members in join order, each user, roles and their permissions. */
const POSTGRAPHILE_PAGE = `query ($id: String!, $first: Int!) {
  organizationByRowId(rowId: $id) {
    organizationMembershipsByOrganizationId(first: $first, orderBy: [CREATED_AT_ASC, USER_ID_ASC]) {
      totalCount
      edges { node {
        createdAt
        userByUserId { rowId name primaryEmail }
        organizationUserRolesByOrganizationIdAndUserId { nodes { organizationRoleByRoleIdAndRoleType {
          rowId name organizationRoleScopesByRoleId { nodes { organizationScopeByScopeId { name } } }
        } } }
      } }
    }
  }
}`;
const postGraphilePageRequest = (world: GatehouseWorld): Request => ({
  path: "/graphql",
  headers: JSON_BODY,
  body: JSON.stringify({ query: POSTGRAPHILE_PAGE, variables: { id: world.organizationId, first: PAGE_SIZE } }),
});


// ---------------------------------------------------------------------------------------------
// Checks before timing: both sides do the same work
// ---------------------------------------------------------------------------------------------

/** The token is a JWT signed by `service`'s published key for `audience`; returns its algorithm. */
async function checkJwt(service: Service, token: string, audience: string, jwksPath: string): Promise<string> {
  const jwks = createRemoteJWKSet(new URL(`${service.url}${jwksPath}`));
  const { protectedHeader } = await jwtVerify(token, jwks, { audience });
  return protectedHeader.alg;
}

interface NormalizedMember {
  userId: string;
  name: string | null;
  email: string | null;
  roles: { id: string; name: string; permissions: string[] }[];
}
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

type GatehousePage = {
  data: {
    organization: {
      members: {
        totalCount: number;
        edges: {
          node: {
            user: { id: string; name: string | null; primaryEmail: string | null };
            roles: { id: string; name: string; organizationScopes: { name: string }[] }[];
            permissions: string[];
          };
        }[];
      };
    };
  };
};
type PostGraphilePage = {
  data: {
    organizationByRowId: {
      organizationMembershipsByOrganizationId: {
        totalCount: number;
        edges: {
          node: {
            userByUserId: { rowId: string; name: string | null; primaryEmail: string | null };
            organizationUserRolesByOrganizationIdAndUserId: {
              nodes: {
                organizationRoleByRoleIdAndRoleType: {
                  rowId: string;
                  name: string;
                  organizationRoleScopesByRoleId: { nodes: { organizationScopeByScopeId: { name: string } }[] };
                };
              }[];
            };
          };
        }[];
      };
    };
  };
};

function normalizeGatehouse(page: GatehousePage) {
  const { totalCount, edges } = page.data.organization.members;
  const members: NormalizedMember[] = edges.map(({ node }) => ({
    userId: node.user.id,
    name: node.user.name,
    email: node.user.primaryEmail,
    roles: node.roles
      .map((role) => ({ id: role.id, name: role.name, permissions: role.organizationScopes.map((s) => s.name).sort() }))
      .sort(byName),
  }));
  const derived = edges.every(({ node }) => {
    const fromRoles = [...new Set(node.roles.flatMap((role) => role.organizationScopes.map((s) => s.name)))].sort();
    return JSON.stringify(fromRoles) === JSON.stringify(node.permissions);
  });
  if (!derived) throw new Error("Gatehouse: a member's permissions differ from their roles' permissions");
  return { totalCount, members };
}

function normalizePostGraphile(page: PostGraphilePage) {
  const { totalCount, edges } = page.data.organizationByRowId.organizationMembershipsByOrganizationId;
  const members: NormalizedMember[] = edges.map(({ node }) => ({
    userId: node.userByUserId.rowId,
    name: node.userByUserId.name,
    email: node.userByUserId.primaryEmail,
    roles: node.organizationUserRolesByOrganizationIdAndUserId.nodes
      .map(({ organizationRoleByRoleIdAndRoleType: role }) => ({
        id: role.rowId,
        name: role.name,
        permissions: role.organizationRoleScopesByRoleId.nodes.map((n) => n.organizationScopeByScopeId.name).sort(),
      }))
      .sort(byName),
  }));
  return { totalCount, members };
}

function checkPageShape(label: string, page: { totalCount: number; members: NormalizedMember[] }, members: number) {
  const ok =
    page.totalCount === members &&
    page.members.length === PAGE_SIZE &&
    page.members.every((m) => m.roles.length === 2 && m.roles.every((r) => r.permissions.length === 3));
  if (!ok) throw new Error(`${label}: expected ${PAGE_SIZE} of ${members} members with 2 roles of 3 permissions each`);
}

// ---------------------------------------------------------------------------------------------
// Statements per request, counted on the wire in front of second, untimed instances
// ---------------------------------------------------------------------------------------------

async function statementsPerRequest(service: Service, request: Request, counter: { statements: number; settled(): Promise<void> }) {
  const repeats = 10;
  for (let i = 0; i < 3; i += 1) await send(service, request); // caches that are not part of the question
  await counter.settled();
  const before = counter.statements;
  for (let i = 0; i < repeats; i += 1) await send(service, request);
  await counter.settled();
  return Math.round(((counter.statements - before) / repeats) * 10) / 10;
}

// ---------------------------------------------------------------------------------------------
// Timing and the report
// ---------------------------------------------------------------------------------------------


export async function benchCompare(options: CompareOptions): Promise<void> {
  ensureBuilt(options.build);
  const databaseName = `gatehouse_compare_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = (() => {
    const url = new URL(benchPostgresUrl);
    url.pathname = `/${databaseName}`;
    return url.toString();
  })();
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-compare-"));
  const secret = randomBytes(32).toString("base64url");
  const embeddedDb = { GATEHOUSE_DATA_DIR: dataDir };
  const postgresDb = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "10" };
  const services: Service[] = [];
  const started = async (service: Promise<Service>) => {
    const s = await service;
    services.push(s);
    return s;
  };
  await admin(`CREATE DATABASE "${databaseName}"`);
  try {
    console.log(`seeding: ${options.members.toLocaleString("en-US")}-member organization, embedded and PostgreSQL…`);
    const embeddedWorld = await seedGatehouse(gatehouseEnv(0, embeddedDb, secret), options.members);
    const postgresWorld = await seedGatehouse(gatehouseEnv(0, postgresDb, secret), options.members);

    const embedded = await started(startGatehouse("Gatehouse (embedded)", embeddedDb, secret));
    const postgres = await started(startGatehouse("Gatehouse (PostgreSQL)", postgresDb, secret));
    const oidc = await started(startOidcProvider());
    const postGraphile = await started(startPostGraphile(databaseUrl));
    const atReady = new Map(services.map((s) => [s.name, s.memory().rssMb]));

    // Tokens: each side's are JWTs its own published keys verify, for the resource asked for.
    const oidcToken = await accessToken(oidc, oidcTokenRequest);
    const oidcAlg = await checkJwt(oidc, oidcToken, OIDC_RESOURCE, "/jwks");
    if (oidcAlg !== "ES256" || decodeProtectedHeader(oidcToken).typ !== "at+jwt")
      throw new Error(`oidc-provider issued ${oidcAlg} ${decodeProtectedHeader(oidcToken).typ}, not an ES256 at+jwt`);
    const tokens = new Map<Service, Tokens>();
    for (const [service, world] of [
      [embedded, embeddedWorld],
      [postgres, postgresWorld],
    ] as const) {
      const management = await accessToken(service, managementTokenRequest(world));
      const organization = await accessToken(service, organizationTokenRequest(world));
      await checkJwt(service, management, world.managementResource, "/oauth/jwks");
      await checkJwt(service, organization, `urn:logto:organization:${world.organizationId}`, "/oauth/jwks");
      tokens.set(service, { management, organization });
    }
    const gatehouseAlg = decodeProtectedHeader(tokens.get(postgres)!.management).alg;
    console.log(`tokens checked: oidc-provider ES256 at+jwt for ${OIDC_RESOURCE}; Gatehouse ${gatehouseAlg}`);

    // Member page: the same members in the same order, the same roles and permissions.
    const reference = normalizePostGraphile((await send(postGraphile, postGraphilePageRequest(postgresWorld))) as PostGraphilePage);
    checkPageShape("PostGraphile", reference, options.members);
    for (const kind of ["management", "organization"] as const) {
      const page = normalizeGatehouse(
        (await send(postgres, gatehousePageRequest(postgresWorld, tokens.get(postgres)![kind]))) as GatehousePage,
      );
      if (JSON.stringify(page) !== JSON.stringify(reference))
        throw new Error(`Gatehouse's member page (${kind} token) differs from PostGraphile's`);
      const embeddedPage = normalizeGatehouse(
        (await send(embedded, gatehousePageRequest(embeddedWorld, tokens.get(embedded)![kind]))) as GatehousePage,
      );
      checkPageShape(`Gatehouse embedded (${kind} token)`, embeddedPage, options.members);
    }
    console.log("member pages checked: Gatehouse (both tokens) and PostGraphile return the same page");

    const oidcScenario: Scenario = { service: oidc, request: oidcTokenRequest };
    const postGraphileScenario: Scenario = { service: postGraphile, request: postGraphilePageRequest(postgresWorld) };
    const tokenRow = (work: string, service: Service, request: Request, counted: boolean): Row => ({
      work,
      gatehouse: { service, request },
      peer: oidcScenario,
      ...(counted ? { counted: () => request } : {}),
    });
    const pageRow = (work: string, service: Service, world: GatehouseWorld, kind: keyof Tokens, counted: boolean): Row => ({
      work,
      gatehouse: { service, request: gatehousePageRequest(world, tokens.get(service)![kind]) },
      peer: postGraphileScenario,
      ...(counted ? { counted: (countedTokens: Tokens) => gatehousePageRequest(world, countedTokens[kind]) } : {}),
    });
    const allRows: Row[] = [
      tokenRow("client_credentials, management token, embedded", embedded, managementTokenRequest(embeddedWorld), false),
      tokenRow("client_credentials + organization_id, embedded", embedded, organizationTokenRequest(embeddedWorld), false),
      tokenRow("client_credentials, management token, PostgreSQL", postgres, managementTokenRequest(postgresWorld), true),
      tokenRow("client_credentials + organization_id, PostgreSQL", postgres, organizationTokenRequest(postgresWorld), true),
      pageRow("member page, management token, PostgreSQL", postgres, postgresWorld, "management", true),
      pageRow("member page, organization token, PostgreSQL", postgres, postgresWorld, "organization", true),
      pageRow("member page, management token, embedded", embedded, embeddedWorld, "management", false),
      pageRow("member page, organization token, embedded", embedded, embeddedWorld, "organization", false),
    ];
    const rows = allRows.filter((row) => options.only === undefined || (options.only === "tokens") === (row.peer === oidcScenario));

    // Statements: second instances on the same database, behind the counting proxy, never timed.
    {
      const upstream = new URL(databaseUrl);
      const counter = await startStatementCounter({ host: upstream.hostname, port: Number(upstream.port || 5432) });
      const counted = new URL(databaseUrl);
      counted.hostname = "127.0.0.1";
      counted.port = String(counter.port);
      const gatehouse = await startGatehouse("Gatehouse (counted)", { ...postgresDb, DATABASE_URL: counted.toString() }, secret);
      const peer = await startPostGraphile(counted.toString());
      try {
        const countedTokens: Tokens = {
          management: await accessToken(gatehouse, managementTokenRequest(postgresWorld)),
          organization: await accessToken(gatehouse, organizationTokenRequest(postgresWorld)),
        };
        const peerPage = await statementsPerRequest(peer, postGraphilePageRequest(postgresWorld), counter);
        for (const row of rows) {
          if (!row.counted) continue;
          row.statements = {
            gatehouse: await statementsPerRequest(gatehouse, row.counted(countedTokens), counter),
            peer: row.peer === postGraphileScenario ? peerPage : 0,
          };
        }
      } finally {
        await gatehouse.stop();
        await peer.stop();
        await counter.close();
      }
    }

    const scenarios = new Set(rows.flatMap((row) => [row.gatehouse, row.peer]));
    if (options.warmup > 0) {
      console.log(`warming up ${scenarios.size} scenarios (${options.warmup} s each)…`);
      for (const scenario of scenarios) await run(scenario, options.warmup);
    }
    const results = new Map<Row, { gatehouse: RunResult[]; peer: RunResult[]; ratios: number[]; cpuRatios: number[] }>(
      rows.map((row) => [row, { gatehouse: [], peer: [], ratios: [], cpuRatios: [] }]),
    );
    for (let round = 0; round < options.rounds; round += 1) {
      console.log(`round ${round + 1} of ${options.rounds}…`);
      for (const row of rows) {
        const result = results.get(row)!;
        const [first, second] = round % 2 === 0 ? (["gatehouse", "peer"] as const) : (["peer", "gatehouse"] as const);
        const a = await run(row[first], options.seconds);
        const b = await run(row[second], options.seconds);
        const gatehouse = first === "gatehouse" ? a : b;
        const peer = first === "gatehouse" ? b : a;
        result.gatehouse.push(gatehouse);
        result.peer.push(peer);
        result.ratios.push(gatehouse.requestsPerSecond / Math.max(peer.requestsPerSecond, 1));
        result.cpuRatios.push(peer.cpuMsPerRequest / gatehouse.cpuMsPerRequest);
      }
    }

    console.log(
      `\n${options.rounds} round(s) × ${options.seconds} s per run, ${CONNECTIONS} connections, ` +
        `${options.members.toLocaleString("en-US")}-member organization, page of ${PAGE_SIZE}; medians; ratio = Gatehouse ÷ peer (median of per-round ratios)`,
    );
    console.log(`Gatehouse's token rate limits: ${BENCH_TOKEN_RATE_LIMITS_TEXT}; load average (1, 5, 15 min) at the end: ${loadavg().map((n) => n.toFixed(2)).join(", ")}\n`);
    console.log(
      "CPU ratio = the peer's server-process CPU time per request ÷ Gatehouse's (median of per-round ratios): what the " +
        "throughput ratio tends to when both are CPU-bound; it counts neither PostgreSQL's backends nor the load driver\n",
    );
    console.log("| work | Gatehouse | peer | ratio | CPU ratio | SQL statements per request (Gatehouse / peer) |");
    console.log("|---|---|---|---|---|---|");
    for (const row of rows) {
      const result = results.get(row)!;
      const statements = row.statements ? `${row.statements.gatehouse} / ${row.statements.peer}` : "—";
      console.log(
        `| ${row.work} | ${describe(result.gatehouse)} | ${row.peer.service.name}: ${describe(result.peer)} | ` +
          `${median(result.ratios).toFixed(2)}× | ${median(result.cpuRatios).toFixed(2)}× | ${statements} |`,
      );
    }
    console.log("\n| process | RSS at ready | peak RSS (VmHWM) |\n|---|---|---|");
    for (const service of services) {
      console.log(`| ${service.name} | ${atReady.get(service.name)} MB | ${service.memory().peakMb} MB |`);
    }
  } finally {
    for (const service of services) await service.stop();
    await admin(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
