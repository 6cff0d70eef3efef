// The audit log through GraphQL: every management mutation leaves one event, written with the
// change; a refused one leaves none.
import { beforeAll, describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { adminClient } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";

let actor: string;

const gatehouse = useGatehouse();
const gql = gatehouse.admin;
beforeAll(async () => {
  actor = `application:${(await adminClient(gatehouse.server))[0]}`;
});

const EVENTS = `query ($first: Int, $after: String, $organizationId: ID, $actor: String, $action: String, $targetType: String, $targetId: ID) {
  auditEvents(first: $first, after: $after, organizationId: $organizationId, actor: $actor, action: $action, targetType: $targetType, targetId: $targetId) {
    totalCount
    edges { node { id at actor action targetType targetId organizationId data } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AuditNode {
  id: string;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  organizationId: string | null;
  data: Record<string, unknown>;
}

async function events(filters: Record<string, unknown> = {}): Promise<{ totalCount: number; nodes: AuditNode[]; endCursor: string }> {
  const { auditEvents } = ok(await gql(EVENTS, filters));
  return {
    totalCount: auditEvents.totalCount,
    nodes: auditEvents.edges.map((edge: { node: AuditNode }) => edge.node),
    endCursor: auditEvents.pageInfo.endCursor,
  };
}

describe("the audit log", () => {
  it("records each management mutation with its actor, action and target, newest first", async () => {
    const user = ok(await gql(`mutation { createUser(input: { name: "Audited" }) { id } }`)).createUser;
    ok(await gql(`mutation ($id: ID!) { updateUser(input: { id: $id, name: "Audited again" }) { id } }`, { id: user.id }));
    const organization = ok(await gql(`mutation { createOrganization(input: { name: "Audit Org" }) { id } }`)).createOrganization;

    const { nodes } = await events({ first: 3 });
    expect(nodes.map(({ action, targetType, targetId, organizationId, actor: by }) => ({ action, targetType, targetId, organizationId, by }))).toEqual([
      { action: "organization.created", targetType: "organization", targetId: organization.id, organizationId: organization.id, by: actor },
      { action: "user.updated", targetType: "user", targetId: user.id, organizationId: null, by: actor },
      { action: "user.created", targetType: "user", targetId: user.id, organizationId: null, by: actor },
    ]);
    expect(nodes[1]!.data).toEqual({ fields: ["name"], changes: { name: { before: "Audited", after: "Audited again" } } });
    expect(BigInt(nodes[0]!.id) > BigInt(nodes[1]!.id)).toBe(true);
  });

  it("is filtered by exact target, action, actor and organization, and paged", async () => {
    const role = ok(await gql(`mutation { createGlobalRole(input: { name: "audit-role" }) { id } }`)).createGlobalRole;
    ok(await gql(`mutation ($id: ID!) { updateGlobalRole(input: { id: $id, description: "d" }) { id } }`, { id: role.id }));
    ok(await gql(`mutation ($id: ID!) { deleteGlobalRole(input: { id: $id }) }`, { id: role.id }));

    const byTarget = await events({ targetType: "global_role", targetId: role.id, first: 2 });
    expect(byTarget.totalCount).toBe(3);
    expect(byTarget.nodes.map((node) => node.action)).toEqual(["global_role.deleted", "global_role.updated"]);
    const rest = await events({ targetType: "global_role", targetId: role.id, first: 2, after: byTarget.endCursor });
    expect(rest.nodes.map((node) => node.action)).toEqual(["global_role.created"]);

    expect((await events({ action: "global_role.deleted", targetId: role.id })).totalCount).toBe(1);
    expect((await events({ actor: "application:someone-else" })).totalCount).toBe(0);
    const organization = ok(await gql(`mutation { createOrganization(input: { name: "Filtered" }) { id } }`)).createOrganization;
    expect((await events({ organizationId: organization.id })).nodes.map((node) => node.action)).toEqual(["organization.created"]);
  });

  it("gets nothing from a refused or failed mutation", async () => {
    const before = (await events()).totalCount;
    refused(await gql(`mutation { createGlobalRole(input: { name: "x", resourceScopeIds: ["missing"] }) { id } }`), "NOT_FOUND");
    refused(await gql(`mutation { updateUser(input: { id: "ghost", name: "x" }) { id } }`), "NOT_FOUND");
    refused(await (await admin(gatehouse.server, "users:read"))(`mutation { createUser(input: {}) { id } }`), "FORBIDDEN");
    const after = await events();
    // Token grants are audited too: the users:read token above is the only new event.
    expect(after.totalCount).toBe(before + 1);
    expect(after.nodes[0]!.action).toBe("token.issued");
  });

  it("needs audit:read", async () => {
    refused(await (await admin(gatehouse.server, "users:read"))(EVENTS), "FORBIDDEN");
    ok(await (await admin(gatehouse.server, "audit:read"))(EVENTS, { first: 1 }));
  });
});
