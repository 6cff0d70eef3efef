// Subscriptions over SSE: an organization's changes and the template's, as committed, to the
// callers allowed to see them, ending when the token expires, when an organization token's subject
// loses the permission, after the organization is deleted, and when the server stops.
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Caller, admin, ok } from "../support/graphql.js";
import { managementToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { testBackend } from "../support/env.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { subscribe } from "../support/subscriptions.js";

const ORGANIZATION_CHANGED = `subscription ($id: ID!) {
  organizationChanged(organizationId: $id) { id action occurredAt targetType targetId organizationId version data organization { name } }
}`;
const TEMPLATE_CHANGED = `subscription { templateChanged { action targetType targetId organizationId } }`;

const METRICS_TOKEN = "metrics-token-for-subscriptions";

let server: TestServer;
let gql: Caller;
let acme: Awaited<ReturnType<typeof organizationOfMembers>>;

beforeAll(async () => {
  // Replicas share their secret and issuer (in development both default to per-process values).
  server = await startTestServer({
    env: {
      GATEHOUSE_SECRET: "replicas-share-this-secret-".padEnd(40, "x"),
      GATEHOUSE_ISSUER: "https://gatehouse.test",
      GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN,
    },
  });
  gql = await admin(server);
  acme = await organizationOfMembers(server, "Acme");
});
afterAll(() => server.close());

const actions = (results: { data?: Record<string, any> | null }[], field = "organizationChanged") =>
  results.map((result) => result.data?.[field]?.action);

async function openSubscriptionsMetric(): Promise<number> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return Number(/^gatehouse_subscriptions_open (\d+)$/m.exec(await response.text())?.[1]);
}

async function newUser(name: string): Promise<string> {
  const { createUser } = ok(await gql(`mutation ($name: String!) { createUser(input: { name: $name }) { id } }`, { name }));
  return createUser.id;
}

describe("organizationChanged", () => {
  it("streams each committed change of the organization, in order, with the organization as it is now", async () => {
    const userId = await newUser("Katherine");
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await acme.token(acme.users.ada) });

    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, name: "Acme Corp" }) { id } }`, { id: acme.organization.id }));
    ok(await gql(`mutation ($o: ID!, $u: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u], roleNames: ["viewer"] }) { joinedAt } }`, { o: acme.organization.id, u: userId }));
    ok(await gql(`mutation ($o: ID!, $u: ID!) { assignOrganizationMemberRoles(input: { organizationId: $o, userIds: [$u], roleNames: ["member"] }) { joinedAt } }`, { o: acme.organization.id, u: userId }));

    const results = await subscription.received(3);
    expect(actions(results)).toEqual(["organization.updated", "organization.users_added", "organization.user_roles_assigned"]);
    // Each carries its delta: the member's id and the roles it gained, named.
    expect(results.map((result) => result.data!.organizationChanged.data)).toEqual([
      { fields: ["name"], changes: { name: { before: "Acme", after: "Acme Corp" } } },
      { memberIds: [userId], roles: [{ id: expect.any(String), name: "viewer" }] },
      { memberId: userId, added: [{ id: expect.any(String), name: "member" }], removed: [] },
    ]);
    expect(results[2]!.data!.organizationChanged).toMatchObject({ targetType: "user", targetId: userId, version: 1 });
    expect(await openSubscriptionsMetric()).toBe(1);
    const [updated] = results;
    expect(updated!.errors).toBeUndefined();
    expect(updated!.data!.organizationChanged).toMatchObject({
      targetType: "organization",
      organizationId: acme.organization.id,
      organization: { name: "Acme Corp" },
      occurredAt: expect.stringMatching(/^\d{4}-/),
    });
    await subscription.close();
  });

  it("says nothing of a refused or rolled-back change, nor of other organizations' changes", async () => {
    const globex = ok(await gql(`mutation { createOrganization(input: { name: "Globex" }) { id } }`)).createOrganization;
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await managementToken(server, "organizations:read") });

    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "elsewhere" }) { id } }`, { id: globex.id }));
    const refused = await gql(`mutation ($o: ID!, $u: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u], roleNames: ["no-such-role"] }) { joinedAt } }`, {
      o: acme.organization.id,
      u: await newUser("Refused"),
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    // A change whose transaction rolls back after writing its audit event: NOTIFY is transactional.
    await expect(
      server.db.prisma.$transaction(async (tx) => {
        await tx.auditEvent.create({ data: { actor: "test", action: "organization.updated", organizationId: acme.organization.id } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "marker" }) { id } }`, { id: acme.organization.id }));

    const results = await subscription.received(1);
    expect(results[0]!.data!.organizationChanged).toMatchObject({ action: "organization.updated", organization: { name: "Acme Corp" } });
    await subscription.close();
    expect(subscription.results).toHaveLength(1);
  });

  it("shows an organization token only the changes its permissions read", async () => {
    // Alan is a viewer (read:organization only): profile changes, not membership changes.
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await acme.token(acme.users.alan) });
    const userId = await newUser("Hidden");
    ok(await gql(`mutation ($o: ID!, $u: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u] }) { joinedAt } }`, { o: acme.organization.id, u: userId }));
    ok(await gql(`mutation ($o: ID!) { createOrganizationInvitation(input: { organizationId: $o, invitee: "someone@acme.test" }) { invitationToken } }`, { o: acme.organization.id }));
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "visible" }) { id } }`, { id: acme.organization.id }));

    const results = await subscription.received(1);
    expect(actions(results)).toEqual(["organization.updated"]);
    await subscription.close();
    expect(JSON.stringify(subscription.results)).not.toContain(userId);
  });

  it("re-reads organization tokens' permissions in the same number of SQL statements for 1 subscriber as for 5", async () => {
    const statementsFor = async (subscribers: number) => {
      const members = await Promise.all(Array.from({ length: subscribers }, (_, i) => newUser(`Watcher ${i}`)));
      ok(await gql(`mutation ($o: ID!, $u: [ID!]!) { addOrganizationMembers(input: { organizationId: $o, userIds: $u, roleNames: ["viewer"] }) { joinedAt } }`, { o: acme.organization.id, u: members }));
      const open = [];
      for (const id of members) open.push(await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await acme.token({ id }) }));
      let statements = 0;
      const stop = server.db.onQuery(() => statements++);
      try {
        ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "counted" }) { id } }`, { id: acme.organization.id }));
        await Promise.all(open.map((subscription) => subscription.received(1)));
      } finally {
        stop();
      }
      await Promise.all(open.map((subscription) => subscription.close()));
      return statements;
    };
    const one = await statementsFor(1);
    expect(await statementsFor(5)).toBe(one);
  });

  it("refuses another organization's token, a token without the permission, no token, and an unknown organization", async () => {
    const globex = await organizationOfMembers(server, "Globex");
    const cases = [
      { token: await globex.token(globex.users.ada), id: acme.organization.id, code: "FORBIDDEN" },
      { token: await managementToken(server, "users:read"), id: acme.organization.id, code: "FORBIDDEN" },
      { token: undefined, id: acme.organization.id, code: "UNAUTHENTICATED" },
      { token: await managementToken(server, "organizations:read"), id: "no-such-organization", code: "NOT_FOUND" },
    ];
    for (const { token, id, code } of cases) {
      const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id }, ...(token ? { token } : {}) });
      const { results } = await subscription.ended;
      expect(results).toHaveLength(1);
      expect(results[0]!.data ?? null).toBeNull();
      expect(results[0]!.errors?.map((error) => (error.extensions as { code?: string } | undefined)?.code)).toEqual([code]);
    }
    // Refused subscriptions register nothing; the closed ones before them were released.
    await vi.waitFor(async () => expect(await openSubscriptionsMetric()).toBe(0));
  });

  it("ends for a member who loses the permission, before delivering the change", async () => {
    const userId = await newUser("Leaving");
    ok(await gql(`mutation ($o: ID!, $u: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u], roleNames: ["member"] }) { joinedAt } }`, { o: acme.organization.id, u: userId }));
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await acme.token({ id: userId }) });

    ok(await gql(`mutation ($o: ID!, $u: ID!) { removeOrganizationMember(input: { organizationId: $o, userId: $u }) }`, { o: acme.organization.id, u: userId }));
    const { results } = await subscription.ended;
    expect(results).toHaveLength(1);
    expect(results[0]!.data ?? null).toBeNull();
    expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
  });

  it("tells each organization a deleted user was in, and ends after the organization is deleted", async () => {
    const doomed = await organizationOfMembers(server, "Doomed");
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: doomed.organization.id }, token: await managementToken(server, "organizations:read") });

    ok(await gql(`mutation ($id: ID!) { deleteUser(input: { id: $id }) }`, { id: doomed.users.grace.id }));
    ok(await gql(`mutation ($id: ID!) { deleteOrganization(input: { id: $id }) }`, { id: doomed.organization.id }));

    const { results, error } = await subscription.ended;
    expect(error).toBeUndefined();
    expect(results.map((result) => result.data?.organizationChanged)).toMatchObject([
      { action: "organization.user_removed", targetType: "user", targetId: doomed.users.grace.id },
      { action: "organization.deleted", organization: null },
    ]);
  });
});

describe("templateChanged", () => {
  it("streams template changes to management and to organization tokens that read the template, not other changes", async () => {
    const management = await subscribe(server, TEMPLATE_CHANGED, { token: await managementToken(server, "template:read") });
    const member = await subscribe(server, TEMPLATE_CHANGED, { token: await acme.token(acme.users.grace) });

    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "not a template change" }) { id } }`, { id: acme.organization.id }));
    const { createOrganizationScope } = ok(await gql(`mutation { createOrganizationScope(input: { name: "export:reports" }) { id } }`));
    const { createOrganizationRole } = ok(
      await gql(`mutation ($scope: ID!) { createOrganizationRole(input: { name: "reporter", organizationScopeIds: [$scope] }) { id } }`, { scope: createOrganizationScope.id }),
    );
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationScope(input: { id: $id }) }`, { id: createOrganizationScope.id }));

    for (const subscription of [management, member]) {
      const results = await subscription.received(3);
      expect(results.map((result) => result.data?.templateChanged)).toEqual([
        { action: "organization_scope.created", targetType: "organization_scope", targetId: createOrganizationScope.id, organizationId: null },
        { action: "organization_role.created", targetType: "organization_role", targetId: createOrganizationRole.id, organizationId: null },
        { action: "organization_scope.deleted", targetType: "organization_scope", targetId: createOrganizationScope.id, organizationId: null },
      ]);
      await subscription.close();
      expect(subscription.results).toHaveLength(3);
    }
  });

  it("refuses a viewer's organization token (no permission that reads the template), a management token without a reading scope, and no token", async () => {
    const cases = [
      { token: await acme.token(acme.users.alan), code: "FORBIDDEN" },
      { token: await managementToken(server, "users:read resources:read"), code: "FORBIDDEN" },
      { token: undefined, code: "UNAUTHENTICATED" },
    ];
    for (const { token, code } of cases) {
      const subscription = await subscribe(server, TEMPLATE_CHANGED, token ? { token } : {});
      const { results } = await subscription.ended;
      expect(results).toHaveLength(1);
      expect(results[0]!.data ?? null).toBeNull();
      expect(results[0]!.errors?.map((error) => (error.extensions as { code?: string } | undefined)?.code)).toEqual([code]);
    }
  });
});

describe("subscription lifetime", () => {
  it("ends with UNAUTHENTICATED when the token expires", async () => {
    const token = await server.services.tokens.sign(
      { sub: "expiring", aud: server.services.config.tokens.managementResource, client_id: "expiring", scope: "template:read" },
      2,
    );
    const subscription = await subscribe(server, TEMPLATE_CHANGED, { token });
    const { results } = await subscription.ended;
    expect(results).toHaveLength(1);
    expect(results[0]!.errors?.[0]).toMatchObject({ message: expect.stringMatching(/token expired/), extensions: { code: "UNAUTHENTICATED" } });
  });

  it("ends every open stream when the server stops, without waiting for the shutdown timeout", async () => {
    const stopping = await startTestServer({ env: { GATEHOUSE_SHUTDOWN_TIMEOUT_MS: "60000" } });
    const subscription = await subscribe(stopping, TEMPLATE_CHANGED, { token: await managementToken(stopping, "template:read") });
    await stopping.close();
    // The stream completed normally: a stream left open would hold the server until the 60 s
    // shutdown timeout (past this test's timeout), then be cut, which the client sees as an error.
    const { error } = await subscription.ended;
    expect(error).toBeUndefined();
  });
});

// Replicas share a PostgreSQL database; the embedded database belongs to one process (its folder
// is locked), so there is no second replica to start on it.
describe.runIf(testBackend === "postgres")("replicas", () => {
  it("stream the changes committed through any other replica", async () => {
    const replica = await startServer(server.services.config, createLogger("silent"));
    try {
      const subscription = await subscribe(replica, ORGANIZATION_CHANGED, {
        variables: { id: acme.organization.id },
        token: await acme.token(acme.users.ada),
      });
      ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "from the first replica" }) { id } }`, { id: acme.organization.id }));
      const [result] = await subscription.received(1);
      expect(result!.data!.organizationChanged).toMatchObject({ action: "organization.updated", organizationId: acme.organization.id });
      await subscription.close();
    } finally {
      await replica.stop();
    }
  });

  it("keep streaming after the listening connection is lost: it reconnects", async () => {
    const subscription = await subscribe(server, ORGANIZATION_CHANGED, { variables: { id: acme.organization.id }, token: await acme.token(acme.users.ada) });
    const listeners = () =>
      server.db.prisma.$queryRaw<{ pid: number; listening: boolean }[]>`
        SELECT pid, state = 'idle' AND query LIKE 'LISTEN%' AS listening FROM pg_stat_activity
        WHERE application_name = 'gatehouse-listener' AND datname = current_database()`;
    const [lost] = await listeners();
    await server.db.prisma.$queryRaw`SELECT pg_terminate_backend(${lost!.pid}::int)`;
    // A new listener, other than the lost one, that has run its LISTENs.
    await vi.waitFor(async () => expect((await listeners()).filter(({ pid, listening }) => pid !== lost!.pid && listening)).toHaveLength(1), {
      timeout: 10_000,
    });

    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "after the reconnect" }) { id } }`, { id: acme.organization.id }));
    const [result] = await subscription.received(1);
    expect(result!.data!.organizationChanged).toMatchObject({ action: "organization.updated" });
    await subscription.close();
  });
});
