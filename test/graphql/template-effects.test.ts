// Template deletions show in each affected organization's feed: deleting an organization role, an
// organization permission, an API permission or an API resource tells every organization whose
// members held what was lost — one event per organization, written in one statement whatever
// the number of organizations.
import { describe, expect, it, vi } from "vitest";
import { lockFeed } from "../../src/domain/audit.js";
import { events } from "../../src/domain/events.js";
import { testBackend } from "../support/env.js";
import { useGatehouse } from "../support/gatehouse.js";
import { type Caller, caller, ok } from "../support/graphql.js";
import { organizationOfMembers } from "../support/organization-plane.js";

const gatehouse = useGatehouse();
const gql: Caller = (query, variables) => gatehouse.admin(query, variables);

const CHANGES = `query ($after: String, $types: [String!], $organizationId: ID) {
  changes(after: $after, first: 100, types: $types, organizationId: $organizationId) {
    edges { node { action organizationId targetType targetId data } }
    pageInfo { endCursor }
  }
}`;
const EFFECTS = ["organization.held_role_deleted", "organization.permissions_lost"];

interface Node {
  action: string;
  organizationId: string | null;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
}

async function read(as: Caller, variables: Record<string, unknown>): Promise<{ nodes: Node[]; end: string }> {
  const { changes } = ok(await as<{ changes: { edges: { node: Node }[]; pageInfo: { endCursor: string } } }>(CHANGES, variables));
  return { nodes: changes.edges.map((edge) => edge.node), end: changes.pageInfo.endCursor };
}

const byOrganization = (nodes: Node[]) => [...nodes].sort((a, b) => a.organizationId!.localeCompare(b.organizationId!));

describe("template deletions in each organization's feed", () => {
  it("tells each organization whose members held a deleted role or permission, and no other", async () => {
    const [acme, globex, initech] = [
      await organizationOfMembers(gatehouse.server, "Acme"),
      await organizationOfMembers(gatehouse.server, "Globex"),
      await organizationOfMembers(gatehouse.server, "Initech"),
    ];
    const f = gatehouse.fixtures;
    const api = await f.apiResource("https://reports.example", ["reports:read", "reports:export"]);
    const reporter = await f.organizationRole({ name: "reporter", permissions: ["export:reports"], resourceScopeIds: api.scopes.map((scope) => scope.id) });
    const robot = await f.organizationRole({ name: "report-robot", type: "MACHINE_TO_MACHINE", permissions: ["export:reports"] });
    // Acme: two users hold it; Globex: one user, and its application holds the M2M role; Initech: nobody.
    await gatehouse.server.db.prisma.organizationUserRole.createMany({
      data: [
        { organizationId: acme.organization.id, userId: acme.users.grace.id, roleId: reporter.id },
        { organizationId: acme.organization.id, userId: acme.users.alan.id, roleId: reporter.id },
        { organizationId: globex.organization.id, userId: globex.users.ada.id, roleId: reporter.id },
      ],
    });
    await gatehouse.server.db.prisma.organizationApplicationRole.create({
      data: { organizationId: globex.organization.id, applicationId: globex.app.id, roleId: robot.id },
    });
    const exportScope = await gatehouse.server.db.prisma.organizationScope.findUniqueOrThrow({ where: { name: "export:reports" } });
    const [exportApi, readApi] = [...api.scopes].sort((a, b) => a.name.localeCompare(b.name));
    const { end: start } = await read(gql, { types: EFFECTS });

    ok(await gql(`mutation ($id: ID!) { deleteResourceScope(input: { id: $id }) }`, { id: exportApi!.id }));
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationScope(input: { id: $id }) }`, { id: exportScope.id }));
    ok(await gql(`mutation ($id: ID!) { deleteApiResource(input: { id: $id }) }`, { id: api.id }));
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: reporter.id }));

    const { nodes } = await read(gql, { after: start, types: EFFECTS });
    const lost = (cause: string) => byOrganization(nodes.filter((node) => node.data.cause === cause));
    const roles = (...named: { id: string; name: string }[]) => named.map(({ id, name }) => ({ id, name }));
    expect(lost("resource_scope.deleted")).toEqual(
      byOrganization([acme, globex].map(({ organization }) => ({
        action: "organization.permissions_lost",
        organizationId: organization.id,
        targetType: "organization",
        targetId: organization.id,
        data: { cause: "resource_scope.deleted", permissions: roles(exportApi!), roles: roles(reporter) },
      }))),
    );
    // The organization permission: Globex's application held it through its M2M role too.
    const sortedRoles = (node: Node) => [...(node.data.roles as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
    expect(lost("organization_scope.deleted").map((node) => [node.organizationId, sortedRoles(node)])).toEqual(
      [
        [acme.organization.id, roles(reporter)],
        [globex.organization.id, roles(robot, reporter).sort((a, b) => a.name.localeCompare(b.name))],
      ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
    );
    expect(lost("api_resource.deleted").map((node) => node.data.permissions)).toEqual([roles(readApi!), roles(readApi!)]);
    const roleDeleted = byOrganization(nodes.filter((node) => node.action === "organization.held_role_deleted"));
    expect(roleDeleted).toEqual(
      byOrganization([
        { action: "organization.held_role_deleted", organizationId: acme.organization.id, targetType: "organization_role", targetId: reporter.id, data: { role: roles(reporter)[0]!, users: 2, applications: 0 } },
        { action: "organization.held_role_deleted", organizationId: globex.organization.id, targetType: "organization_role", targetId: reporter.id, data: { role: roles(reporter)[0]!, users: 1, applications: 0 } },
      ]),
    );
    expect(nodes.some((node) => node.organizationId === initech.organization.id)).toBe(false);
    // Written by SQL, shaped as the catalogue says.
    for (const node of nodes) events[node.action as "organization.permissions_lost"].data.parse(node.data);

    // An Acme member reading members sees Acme's, and not Globex's.
    const grace = caller(gatehouse.server, await acme.token(acme.users.grace));
    const seen = await read(grace, { after: start, types: EFFECTS });
    expect(seen.nodes.map((node) => node.organizationId)).toEqual(Array(4).fill(acme.organization.id));
  });

  it("writes them in the same number of SQL statements for a role held in 1 organization as in 8", async () => {
    const f = gatehouse.fixtures;
    const statementsToDelete = async (organizations: number) => {
      const role = await f.organizationRole({ permissions: [`held:${organizations}`] });
      for (let i = 0; i < organizations; i++) {
        const organization = await f.organization();
        await f.member(organization.id, (await f.user()).id, [role.id]);
      }
      const { end } = await read(gql, { types: EFFECTS });
      const statements: string[] = [];
      const stop = gatehouse.server.db.onQuery((event) => statements.push(event.query));
      try {
        ok(await gql(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: role.id }));
      } finally {
        stop();
      }
      const { nodes } = await read(gql, { after: end, types: EFFECTS });
      expect(nodes).toHaveLength(organizations);
      return statements.length;
    };
    expect(await statementsToDelete(8)).toBe(await statementsToDelete(1));
  });

  // Concurrent transactions exist only on PostgreSQL.
  it.runIf(testBackend === "postgres")("do not deadlock with a member's role change waiting for the feed: the feed lock comes after the delete", async () => {
    const f = gatehouse.fixtures;
    const prisma = gatehouse.server.db.prisma;
    const role = await f.organizationRole({ permissions: ["held:concurrently"] });
    const organization = await f.organization();
    const [leaving, staying] = [await f.user(), await f.user()];
    await f.member(organization.id, leaving.id, [role.id]);
    await f.member(organization.id, staying.id, [role.id]);
    const waiting = async (kind: "advisory" | "row") => {
      const [row] = await prisma.$queryRaw<{ count: bigint }[]>`
        SELECT count(*) FROM pg_locks WHERE NOT granted
        AND (CASE WHEN ${kind} = 'advisory' THEN locktype = 'advisory' ELSE locktype IN ('transactionid', 'tuple') END)
        AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`;
      return Number(row!.count);
    };
    // Someone holds the feed lock for a moment.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await lockFeed(tx);
        locked();
        await released;
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    await isLocked;
    // A member loses the role: its row is deleted, and its transaction waits for the feed lock.
    const unassigning = gql(`mutation ($o: ID!, $u: ID!, $r: ID!) { unassignOrganizationMemberRoles(input: { organizationId: $o, userIds: [$u], roleIds: [$r] }) { joinedAt } }`, {
      o: organization.id,
      u: leaving.id,
      r: role.id,
    });
    await vi.waitFor(async () => expect(await waiting("advisory")).toBe(1), { timeout: 30_000 });
    // The role's deletion cascades to that row and waits for it, without holding the feed lock.
    const deleting = gql(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: role.id });
    await vi.waitFor(async () => expect(await waiting("row")).toBeGreaterThanOrEqual(1), { timeout: 30_000 });
    release();
    await holder;
    ok(await unassigning);
    ok(await deleting);
    const { nodes } = await read(gql, { organizationId: organization.id, types: ["organization.held_role_deleted"] });
    expect(nodes.map((node) => node.data.role)).toEqual([{ id: role.id, name: role.name }]);
  });
});
