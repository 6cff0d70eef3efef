// A member page shows its members' roles, and what they grant, from the template in memory
// (src/domain/template-cache.ts). These tests hold what that must never cost: a template change
// acknowledged by the API is in the next read, a role the memory does not know yet is read at
// once, and another writer's change (a replica, through NOTIFY) reaches it too. Guarded by what
// the API returns and the statements it sends, not by timings.
import { describe, expect, it, vi } from "vitest";
import { useGatehouse } from "../support/gatehouse.js";
import { ok } from "../support/graphql.js";
import { statementsDuring } from "../support/server.js";

const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const PAGE = `query ($id: ID!) {
  organization(id: $id) { members { edges { node { user { id } roles { id name organizationScopes { name } } permissions } } } }
}`;

interface Page {
  organization: { members: { edges: { node: { roles: { id: string; name: string; organizationScopes: { name: string }[] }[]; permissions: string[] } }[] } };
}

/** The one member's roles and permissions, as the member page shows them. */
async function memberOf(organizationId: string) {
  const { node } = ok(await gql<Page>(PAGE, { id: organizationId })).organization.members.edges[0]!;
  return { roles: node.roles, permissions: node.permissions };
}

async function organizationWithMember(permissions: string[]) {
  const f = gatehouse.fixtures;
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const organization = await f.organization();
  const user = await f.user();
  const role = await f.organizationRole({ name: `cached-${tag}`, permissions: permissions.map((name) => `${name}:${tag}`) });
  await f.member(organization.id, user.id, [role.id]);
  return { organizationId: organization.id, userId: user.id, role, tag };
}

const readsTemplate = (sql: string) => /\b(organization_roles|organization_role_scopes|organization_scopes)\b/.test(sql);

describe("the member page's roles, from the template in memory", () => {
  it("read no template table once it is in memory", async () => {
    const { organizationId } = await organizationWithMember(["read"]);
    await memberOf(organizationId);
    expect((await statementsDuring(gatehouse.server, () => memberOf(organizationId))).filter(readsTemplate)).toEqual([]);
  });

  it("show a role renamed, a permission added or taken away, through the API, in the next read", async () => {
    const { organizationId, role, tag } = await organizationWithMember(["read", "write"]);
    expect(await memberOf(organizationId)).toEqual({
      roles: [{ id: role.id, name: role.name, organizationScopes: [{ name: `read:${tag}` }, { name: `write:${tag}` }] }],
      permissions: [`read:${tag}`, `write:${tag}`],
    });
    ok(await gql(`mutation ($id: ID!, $name: String!) { updateOrganizationRole(input: { id: $id, name: $name }) { id } }`, { id: role.id, name: `renamed-${tag}` }));
    expect((await memberOf(organizationId)).roles[0]!.name).toBe(`renamed-${tag}`);

    const write = await gatehouse.server.db.prisma.organizationScope.findUniqueOrThrow({ where: { name: `write:${tag}` } });
    ok(
      await gql(`mutation ($input: OrganizationRolePermissionsInput!) { removeOrganizationRolePermissions(input: $input) { id } }`, {
        input: { roleId: role.id, organizationScopeIds: [write.id] },
      }),
    );
    expect(await memberOf(organizationId)).toEqual({
      roles: [{ id: role.id, name: `renamed-${tag}`, organizationScopes: [{ name: `read:${tag}` }] }],
      permissions: [`read:${tag}`],
    });

    const created = ok(await gql(`mutation ($name: String!) { createOrganizationScope(input: { name: $name }) { id } }`, { name: `admin:${tag}` }));
    ok(
      await gql(`mutation ($input: OrganizationRolePermissionsInput!) { addOrganizationRolePermissions(input: $input) { id } }`, {
        input: { roleId: role.id, organizationScopeIds: [created.createOrganizationScope.id] },
      }),
    );
    expect((await memberOf(organizationId)).permissions).toEqual([`admin:${tag}`, `read:${tag}`]);
  });

  it("show a role created and assigned through the API, by name among the others", async () => {
    const { organizationId, userId, role, tag } = await organizationWithMember(["read"]);
    await memberOf(organizationId);
    const created = ok(
      await gql(`mutation ($name: String!) { createOrganizationRole(input: { name: $name }) { id } }`, { name: `a-first-${tag}` }),
    ).createOrganizationRole;
    ok(
      await gql(`mutation ($input: OrganizationMemberRolesInput!) { assignOrganizationMemberRoles(input: $input) { user { id } } }`, {
        input: { organizationId, userIds: [userId], roleIds: [created.id] },
      }),
    );
    expect((await memberOf(organizationId)).roles.map((held) => held.id)).toEqual([created.id, role.id]);
  });

  it("read a role it does not know yet (created by another writer) at once", async () => {
    const { organizationId, userId, tag } = await organizationWithMember(["read"]);
    await memberOf(organizationId);
    // Statements on another connection, which this process's statement observer does not see.
    const roleId = `other-writer-${tag}`;
    await gatehouse.server.db.pool.withSession(async (session) => {
      await session.query(`INSERT INTO organization_roles (id, name, updated_at) VALUES ($1, $2, now())`, [roleId, roleId]);
      await session.query(`INSERT INTO organization_user_roles (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [organizationId, userId, roleId]);
    });
    expect((await memberOf(organizationId)).roles.map((held) => held.name)).toContain(roleId);
  });

  it("show another writer's change (a replica, the CLI) once NOTIFY tells it", async () => {
    const { organizationId, role, tag } = await organizationWithMember(["read"]);
    await memberOf(organizationId);
    await gatehouse.server.db.pool.withSession((session) =>
      session.query(`UPDATE organization_roles SET name = $2 WHERE id = $1`, [role.id, `elsewhere-${tag}`]),
    );
    await vi.waitFor(async () => expect((await memberOf(organizationId)).roles[0]!.name).toBe(`elsewhere-${tag}`), { timeout: 20_000, interval: 50 });
  });
});
