// Refused token requests under a flood: every denial is recorded, counted, in a bounded number of
// `token.denied` rows — the first of each (client, address, error) at once, the rest of the window
// in one row carrying their count, written when the window ends or the server stops. Windows of an
// hour, so nothing here depends on how fast the machine is; the stop writes the counts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_GROUPS } from "../../src/domain/audit-denials.js";
import { type TestDatabase, createPersistentTestDatabase } from "../support/database.js";
import { caller } from "../support/graphql.js";
import { adminClient, requestToken } from "../support/oauth.js";
import { type TestServer, startTestServer } from "../support/server.js";

interface Denial {
  actor: string;
  data: { error: string; clientId: string | null; address: string; count: number; firstAt?: string; lastAt?: string };
}

const DENIALS = `query ($after: String) {
  auditEvents(action: "token.denied", first: 100, after: $after) { edges { node { actor data } } pageInfo { hasNextPage endCursor } }
}`;

/** Every `token.denied` row, read over GraphQL (as the admin application the first server bootstrapped). */
async function denials(server: TestServer): Promise<Denial[]> {
  const granted = await requestToken(
    server,
    { grant_type: "client_credentials", resource: server.services.config.tokens.managementResource, scope: "audit:read" },
    { basic: admin },
  );
  const gql = caller(server, granted.body.access_token);
  const rows: Denial[] = [];
  let after: string | null = null;
  for (;;) {
    type Page = { auditEvents: { edges: { node: Denial }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const response: { data?: Page | null } = await gql<{ auditEvents: { edges: { node: Denial }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(DENIALS, { after });
    rows.push(...response.data!.auditEvents.edges.map((edge) => edge.node));
    if (!response.data!.auditEvents.pageInfo.hasNextPage) return rows;
    after = response.data!.auditEvents.pageInfo.endCursor;
  }
}

/** `count` refused requests (a grant type Gatehouse does not have), `concurrency` at a time. */
async function refuse(server: TestServer, count: number, clientId: (i: number) => string, concurrency = 16): Promise<void> {
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) => requestToken(server, { grant_type: "password", client_id: clientId(start + i) }));
    for (const response of await Promise.all(batch)) expect(response.body.error).toBe("unsupported_grant_type");
  }
}

const total = (rows: Denial[]) => rows.reduce((sum, row) => sum + row.data.count, 0);

let database: TestDatabase;
let server: TestServer;
let admin: [string, string];
// Restarts must read the signing keys: the same GATEHOUSE_SECRET every time.
const env = { GATEHOUSE_AUDIT_DENIAL_WINDOW_SECONDS: "3600", GATEHOUSE_SECRET: "denials-restart-test-secret-0123456789abcdef" };

beforeAll(async () => {
  database = await createPersistentTestDatabase();
  server = await startTestServer({ database, env });
  admin = await adminClient(server);
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

describe("denied token requests", () => {
  it("from one client and address: the first recorded at once, the rest counted into one row, every one counted", async () => {
    await refuse(server, 1, () => "flooder");
    const [first] = await denials(server);
    expect(first).toMatchObject({ actor: "anonymous", data: { error: "unsupported_grant_type", clientId: "flooder", count: 1 } });
    expect(first!.data.address).toMatch(/127\.0\.0\.1|::1/);

    await refuse(server, 299, () => "flooder");
    await refuse(server, 40, () => "another");
    // Counted, not written one by one: one row per client so far.
    expect((await denials(server)).map((row) => [row.data.clientId, row.data.count])).toEqual([
      ["another", 1],
      ["flooder", 1],
    ]);

    // The window's counts are written when it ends — here, when the server stops.
    await server.stop();
    server = await startTestServer({ database, env });
    const rows = await denials(server);
    expect(rows.map((row) => [row.data.clientId, row.data.count])).toEqual([
      ["another", 39],
      ["flooder", 299],
      ["another", 1],
      ["flooder", 1],
    ]);
    expect(total(rows)).toBe(340);
    const counted = rows.find((row) => row.data.count === 299)!;
    expect(Date.parse(counted.data.lastAt!)).toBeGreaterThanOrEqual(Date.parse(counted.data.firstAt!));
  });

  it("from ever new clients: the groups a window tracks are capped, the rest counted together, every one counted", async () => {
    const before = total(await denials(server));
    const count = MAX_GROUPS + 200;
    await refuse(server, count, (i) => `client-${i}`);
    await server.stop();
    server = await startTestServer({ database, env });
    const rows = await denials(server);
    expect(total(rows) - before).toBe(count);
    // One row per group the window tracked, then the overflow group's first denial and its count.
    const overflow = rows.filter((row) => row.data.clientId === "*");
    expect(overflow.map((row) => [row.data.address, row.data.count])).toEqual([
      ["*", 199],
      ["*", 1],
    ]);
    expect(rows.filter((row) => row.data.clientId?.startsWith("client-"))).toHaveLength(MAX_GROUPS);
  });
});

describe("with a short window", () => {
  it("the counts are written when each window ends, while the server runs", async () => {
    const short = await startTestServer({ env: { GATEHOUSE_AUDIT_DENIAL_WINDOW_SECONDS: "1" } });
    try {
      await refuse(short, 25, () => "ticker");
      const [credentials] = [await adminClient(short)];
      const granted = await requestToken(
        short,
        { grant_type: "client_credentials", resource: short.services.config.tokens.managementResource, scope: "audit:read" },
        { basic: credentials },
      );
      const gql = caller(short, granted.body.access_token);
      await vi.waitFor(
        async () => {
          const response = await gql<{ auditEvents: { edges: { node: Denial }[] } }>(`{ auditEvents(action: "token.denied", first: 100) { edges { node { actor data } } } }`);
          expect(total(response.data!.auditEvents.edges.map((edge) => edge.node).filter((row) => row.data.clientId === "ticker"))).toBe(25);
        },
        { timeout: 20_000, interval: 250 },
      );
    } finally {
      await short.close();
    }
  });
});
