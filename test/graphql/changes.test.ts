// The change feed by cursor: `changes` pages through committed changes in commit order, narrowed by
// type and organization and by what the token may see; subscriptions resume `after:` a cursor with
// exactly the events missed; and on PostgreSQL a transaction that commits late is never skipped,
// nor an event committed while the server's listening connection was down.
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { recordAudits } from "../../src/domain/audit.js";
import { testBackend } from "../support/env.js";
import { useGatehouse } from "../support/gatehouse.js";
import { type Caller, caller, ok, refused } from "../support/graphql.js";
import { managementToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { subscribe } from "../support/subscriptions.js";

const gatehouse = useGatehouse();
const gql: Caller = (query, variables) => gatehouse.admin(query, variables);

const CHANGES = `query ($after: String, $first: Int, $organizationId: ID, $types: [String!]) {
  changes(after: $after, first: $first, organizationId: $organizationId, types: $types) {
    edges { cursor node { cursor action organizationId targetId data } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ORGANIZATION_CHANGED = `subscription ($id: ID!, $after: String) {
  organizationChanged(organizationId: $id, after: $after) { cursor action targetId data }
}`;

interface Edge {
  cursor: string;
  node: { cursor: string; action: string; organizationId: string | null; targetId: string | null; data: Record<string, unknown> };
}

/** Every change after `after` the caller sees, paging `first` at a time. */
async function readAll(as: Caller, variables: Record<string, unknown> = {}, first = 100): Promise<{ edges: Edge[]; end: string | null }> {
  const edges: Edge[] = [];
  let after = (variables.after as string | undefined) ?? null;
  for (;;) {
    const { changes } = ok(await as<{ changes: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(CHANGES, { ...variables, after, first }));
    edges.push(...changes.edges);
    after = changes.pageInfo.endCursor;
    if (!changes.pageInfo.hasNextPage) return { edges, end: after };
  }
}

/** The cursor of the feed's end, as a consumer that has read everything holds it. */
async function endOfFeed(): Promise<string | null> {
  return (await readAll(gql)).end;
}

async function rename(organizationId: string, description: string): Promise<void> {
  ok(await gql(`mutation ($id: ID!, $d: String!) { updateOrganization(input: { id: $id, description: $d }) { id } }`, { id: organizationId, d: description }));
}

describe("changes", () => {
  it("pages through the feed in commit order, each event once, narrowed by organization and type", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Acme");
    const globex = await organizationOfMembers(gatehouse.server, "Globex");
    const start = await endOfFeed();
    for (let i = 0; i < 5; i++) {
      await rename(acme.organization.id, `acme ${i}`);
      await rename(globex.organization.id, `globex ${i}`);
    }
    ok(await gql(`mutation { createOrganizationScope(input: { name: "export:changes" }) { id } }`));

    // Three at a time: the pages join up with nothing skipped or repeated.
    const { edges } = await readAll(gql, { after: start }, 3);
    expect(edges.map((edge) => edge.node.data.changes)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => [
        { description: { before: i === 0 ? null : `acme ${i - 1}`, after: `acme ${i}` } },
        { description: { before: i === 0 ? null : `globex ${i - 1}`, after: `globex ${i}` } },
      ]).flat(),
      undefined,
    ]);
    expect(edges.at(-1)!.node.action).toBe("organization_scope.created");
    expect(new Set(edges.map((edge) => edge.cursor)).size).toBe(edges.length);
    expect(edges.every((edge) => edge.cursor === edge.node.cursor)).toBe(true);

    const acmeOnly = await readAll(gql, { after: start, organizationId: acme.organization.id });
    expect(acmeOnly.edges.map((edge) => edge.node.data.changes)).toEqual(
      Array.from({ length: 5 }, (_, i) => ({ description: { before: i === 0 ? null : `acme ${i - 1}`, after: `acme ${i}` } })),
    );
    const scopes = await readAll(gql, { after: start, types: ["organization_scope.created", "organization_role.created"] });
    expect(scopes.edges.map((edge) => edge.node.action)).toEqual(["organization_scope.created"]);

    // At the end: no page, and the cursor to keep reading from later.
    const { changes } = ok(await gql<{ changes: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(CHANGES, { after: edges.at(-1)!.cursor }));
    expect(changes).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: edges.at(-1)!.cursor } });
  });

  it("shows an organization token its own organization's events its permissions read, and the template's", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Initech");
    const other = await organizationOfMembers(gatehouse.server, "Umbrella");
    const start = await endOfFeed();
    const { createUser } = ok(await gql(`mutation { createUser(input: { name: "Newcomer" }) { id } }`));
    ok(await gql(`mutation ($o: ID!, $u: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u] }) { joinedAt } }`, { o: acme.organization.id, u: createUser.id }));
    await rename(acme.organization.id, "seen");
    await rename(other.organization.id, "not seen");
    ok(await gql(`mutation { createOrganizationScope(input: { name: "export:template" }) { id } }`));

    const actions = async (user: { id: string }, variables: Record<string, unknown> = {}) =>
      (await readAll(caller(gatehouse.server, await acme.token(user)), { after: start, ...variables })).edges.map((edge) => edge.node.action);
    // Grace (member: read:members) sees members and the template; Alan (viewer) only the profile.
    expect(await actions(acme.users.grace)).toEqual(["organization.users_added", "organization.updated", "organization_scope.created"]);
    expect(await actions(acme.users.alan)).toEqual(["organization.updated"]);
    // Naming its own organization leaves the template out.
    expect(await actions(acme.users.grace, { organizationId: acme.organization.id })).toEqual(["organization.users_added", "organization.updated"]);
    // Management events (a user created) are not in any organization token's feed; a management token reading users sees them.
    const users = await readAll(caller(gatehouse.server, await managementToken(gatehouse.server, "users:read")), { after: start });
    expect(users.edges.map((edge) => edge.node.action)).toEqual(["user.created"]);

    const alan = caller(gatehouse.server, await acme.token(acme.users.alan));
    refused(await alan(CHANGES, { organizationId: other.organization.id }), "FORBIDDEN");
    refused(await alan(CHANGES, { types: ["organization.users_added"] }), "FORBIDDEN");
    refused(await gql(CHANGES, { types: ["token.issued"] }), "BAD_USER_INPUT", "types");
    refused(await gql(CHANGES, { after: "not-a-cursor" }), "BAD_USER_INPUT", "after");
    refused(await gql(CHANGES, { first: -1 }), "BAD_USER_INPUT", "first");
    refused(await caller(gatehouse.server, await managementToken(gatehouse.server, "audit:read"))(CHANGES), "FORBIDDEN");
    refused(await caller(gatehouse.server)(CHANGES), "UNAUTHENTICATED");
  });
});

describe("subscriptions resumed after a cursor", () => {
  it("get exactly the events missed, then the live ones, each once", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Hooli");
    const token = await managementToken(gatehouse.server, "organizations:read");
    const first = await subscribe(gatehouse.server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token });
    await rename(acme.organization.id, "seen live 1");
    await rename(acme.organization.id, "seen live 2");
    const seen = await first.received(2);
    await first.close();
    const cursor = seen[1]!.data!.organizationChanged.cursor as string;

    // Missed while no stream was open: three of this organization's, one of another's.
    const other = await organizationOfMembers(gatehouse.server, "Pied Piper");
    for (const description of ["missed 1", "missed 2", "missed 3"]) await rename(acme.organization.id, description);
    await rename(other.organization.id, "elsewhere");

    const resumed = await subscribe(gatehouse.server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id, after: cursor }, token });
    await resumed.received(3);
    await rename(acme.organization.id, "live after resuming");
    const results = await resumed.received(4);
    await resumed.close();
    expect(results.map((result) => result.data!.organizationChanged.data.changes.description.after)).toEqual([
      "missed 1",
      "missed 2",
      "missed 3",
      "live after resuming",
    ]);
    expect(resumed.results).toHaveLength(4);
  });

  it("resume while changes are being committed, in commit order, none missed or repeated", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Massive Dynamic");
    const token = await managementToken(gatehouse.server, "organizations:read");
    const start = (await readAll(gql, { organizationId: acme.organization.id })).end;
    const committing = (async () => {
      for (let i = 0; i < 30; i++) await rename(acme.organization.id, `change ${i}`);
    })();
    // Resumes from before the first of them, while they commit: some are read from the table, the rest arrive live.
    const resumed = await subscribe(gatehouse.server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id, after: start }, token });
    await committing;
    const results = await resumed.received(30);
    await resumed.close();
    expect(resumed.results).toHaveLength(30);
    expect(results.map((result) => result.data!.organizationChanged.data.changes.description.after)).toEqual(
      Array.from({ length: 30 }, (_, i) => `change ${i}`),
    );
  });

  it("refuses a cursor that is not one", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Soylent");
    const subscription = await subscribe(gatehouse.server, ORGANIZATION_CHANGED, {
      variables: { id: acme.organization.id, after: "bm90LWEtY3Vyc29y" },
      token: await managementToken(gatehouse.server, "organizations:read"),
    });
    const { results } = await subscription.ended;
    expect(results).toHaveLength(1);
    expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

// Concurrent transactions and the server's own listening connection exist only on PostgreSQL
// (the embedded database has one connection, in this process, and commits one transaction at a time).
describe.runIf(testBackend === "postgres")("on PostgreSQL", () => {
  it("never skips a transaction that commits late: the later one waits, and the reader sees both in commit order", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Late");
    const start = await endOfFeed();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let recorded!: () => void;
    const wasRecorded = new Promise<void>((resolve) => (recorded = resolve));
    // A transaction that records its feed event, then stays open.
    const late = gatehouse.server.db.prisma.$transaction(
      async (tx) => {
        await recordAudits(tx, [{ actor: "test", action: "organization.updated", organizationId: acme.organization.id, data: { fields: ["late"], changes: {} } }]);
        recorded();
        await released;
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    await wasRecorded;
    // A reader sees nothing yet, and keeps its cursor (with ids drawn at insert, it would now skip it).
    expect((await readAll(gql, { after: start })).edges).toEqual([]);
    // A change made meanwhile through the API cannot commit ahead of it: it waits for the feed lock.
    const later = rename(acme.organization.id, "later");
    await vi.waitFor(
      async () => {
        const [row] = await gatehouse.server.db.prisma.$queryRaw<{ waiting: bigint }[]>`
          SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
          AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`;
        expect(Number(row!.waiting)).toBe(1);
      },
      { timeout: 30_000 },
    );
    release();
    await late;
    await later;
    const { edges } = await readAll(gql, { after: start });
    expect(edges.map((edge) => edge.node.data.fields)).toEqual([["late"], ["description"]]);
  });

  it("an open stream misses and repeats nothing while the server's listening connection is killed and comes back", async () => {
    const acme = await organizationOfMembers(gatehouse.server, "Killed");
    const subscription = await subscribe(gatehouse.server, ORGANIZATION_CHANGED, {
      variables: { id: acme.organization.id },
      token: await managementToken(gatehouse.server, "organizations:read"),
    });
    const listeners = () =>
      gatehouse.server.db.prisma.$queryRaw<{ pid: number; listening: boolean }[]>`
        SELECT pid, state = 'idle' AND query LIKE 'LISTEN%' AS listening FROM pg_stat_activity
        WHERE application_name = 'gatehouse-listener' AND datname = current_database()`;
    const total = 45;
    let committed = 0;
    for (; committed < 15; committed++) await rename(acme.organization.id, `change ${committed}`);
    const [lost] = await listeners();
    await gatehouse.server.db.prisma.$queryRaw`SELECT pg_terminate_backend(${lost!.pid}::int)`;
    const back = async () => (await listeners()).filter(({ pid, listening }) => pid !== lost!.pid && listening);
    // Changes committed while no listener is there (it reconnects after 500 ms): their notifications are lost.
    while (committed < 25 && (await back()).length === 0) await rename(acme.organization.id, `change ${committed++}`);
    const whileDown = committed - 15;
    await vi.waitFor(async () => expect(await back()).toHaveLength(1), { timeout: 30_000 });
    // With no later change to ring again, the process caught up from the table when it reconnected.
    await subscription.received(committed);
    for (; committed < total; committed++) await rename(acme.organization.id, `change ${committed}`);

    const results = await subscription.received(total);
    await subscription.close();
    expect(subscription.results).toHaveLength(total);
    expect(results.map((result) => result.data!.organizationChanged.data.changes.description.after)).toEqual(
      Array.from({ length: total }, (_, i) => `change ${i}`),
    );
    console.info(`listener killed after 15 events: ${subscription.results.length} of ${total} received, none repeated; ${whileDown} committed while it was down, received before any later change`);
  });
});
