// The organization template through GraphQL: organization permissions and roles.
import { describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const CREATE_SCOPE = `mutation ($input: CreateOrganizationScopeInput!) { createOrganizationScope(input: $input) { id name description } }`;
const CREATE_ROLE = `mutation ($input: CreateOrganizationRoleInput!) {
  createOrganizationRole(input: $input) { id name type organizationScopes { name } resourceScopes { name } }
}`;

async function scope(name: string, description?: string): Promise<string> {
  const data = ok(await gql<{ createOrganizationScope: { id: string } }>(CREATE_SCOPE, { input: { name, description } }));
  return data.createOrganizationScope.id;
}

describe("organization permissions", () => {
  it("are created, renamed, described, searched and deleted", async () => {
    const id = await scope("read:reports", "Read reports");
    const updated = ok(
      await gql(`mutation ($input: UpdateOrganizationScopeInput!) { updateOrganizationScope(input: $input) { name description } }`, {
        input: { id, name: "view:reports", description: null },
      }),
    );
    expect(updated.updateOrganizationScope).toEqual({ name: "view:reports", description: null });

    const search = ok(
      await gql(`{ organizationScopes(search: "REPORTS") { totalCount edges { node { id name } } } }`),
    );
    expect(search.organizationScopes).toEqual({ totalCount: 1, edges: [{ node: { id, name: "view:reports" } }] });

    expect(ok(await gql(`mutation ($id: ID!) { deleteOrganizationScope(input: { id: $id }) }`, { id })).deleteOrganizationScope).toBe(id);
    expect(ok(await gql(`query ($id: ID!) { organizationScope(id: $id) { id } }`, { id })).organizationScope).toBeNull();
  });

  it("refuse duplicates, whitespace, over-long names and unknown ids with stable codes", async () => {
    await scope("edit:reports");
    refused(await gql(CREATE_SCOPE, { input: { name: "edit:reports" } }), "CONFLICT");
    refused(await gql(CREATE_SCOPE, { input: { name: "edit reports" } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(CREATE_SCOPE, { input: { name: "x".repeat(129) } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(CREATE_SCOPE, { input: { name: "ok:name", description: "d".repeat(257) } }), "BAD_USER_INPUT", "input.description");
    refused(await gql(`mutation { deleteOrganizationScope(input: { id: "nope" }) }`), "NOT_FOUND");
  });

  it("list in name order, with totalCount, pages capped at 100 nodes", async () => {
    for (const name of ["zeta:x", "alpha:x", "mid:x"]) await scope(name);
    const page = ok(await gql(`{ organizationScopes(first: 2, search: ":x") { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`));
    expect(page.organizationScopes.totalCount).toBe(3);
    expect(page.organizationScopes.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["alpha:x", "mid:x"]);
    const next = ok(
      await gql(`query ($after: String) { organizationScopes(first: 2, search: ":x", after: $after) { edges { node { name } } pageInfo { hasNextPage } } }`, {
        after: page.organizationScopes.pageInfo.endCursor,
      }),
    );
    expect(next.organizationScopes.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["zeta:x"]);
    expect(next.organizationScopes.pageInfo.hasNextPage).toBe(false);
    await gatehouse.server.db.prisma.organizationScope.createMany({ data: Array.from({ length: 105 }, (_, i) => ({ name: `bulk:${i}` })) });
    const capped = ok(await gql(`{ organizationScopes(first: 500, search: "bulk:") { totalCount edges { node { id } } } }`));
    expect(capped.organizationScopes.totalCount).toBe(105);
    expect(capped.organizationScopes.edges).toHaveLength(100);
  });
});

describe("organization roles", () => {
  it("are created with their permissions in one step, and a bad permission id creates nothing", async () => {
    const [read, write] = [await scope("docs:read"), await scope("docs:write")];
    const role = ok(await gql(CREATE_ROLE, { input: { name: "editor", organizationScopeIds: [write, read] } })).createOrganizationRole;
    expect(role).toMatchObject({ name: "editor", type: "USER", organizationScopes: [{ name: "docs:read" }, { name: "docs:write" }] });

    const error = refused(await gql(CREATE_ROLE, { input: { name: "broken", organizationScopeIds: [read, "missing-id"] } }), "NOT_FOUND", "input.organizationScopeIds");
    expect(error.message).toContain("missing-id");
    expect(ok(await gql(`{ organizationRoles(search: "broken") { totalCount } }`)).organizationRoles.totalCount).toBe(0);
  });

  it("have their permissions added (idempotently), removed and replaced", async () => {
    const [a, b, c] = [await scope("p:a"), await scope("p:b"), await scope("p:c")];
    const { id } = ok(await gql(CREATE_ROLE, { input: { name: "perm-role", organizationScopeIds: [a] } })).createOrganizationRole;
    const names = (data: Record<string, { organizationScopes: { name: string }[] }>) =>
      Object.values(data)[0]!.organizationScopes.map((s) => s.name);

    const add = `mutation ($input: OrganizationRolePermissionsInput!) { addOrganizationRolePermissions(input: $input) { organizationScopes { name } } }`;
    expect(names(ok(await gql(add, { input: { roleId: id, organizationScopeIds: [a, b] } })))).toEqual(["p:a", "p:b"]);
    const remove = `mutation ($input: OrganizationRolePermissionsInput!) { removeOrganizationRolePermissions(input: $input) { organizationScopes { name } } }`;
    expect(names(ok(await gql(remove, { input: { roleId: id, organizationScopeIds: [a] } })))).toEqual(["p:b"]);
    const set = `mutation ($input: OrganizationRolePermissionsInput!) { setOrganizationRolePermissions(input: $input) { organizationScopes { name } } }`;
    expect(names(ok(await gql(set, { input: { roleId: id, organizationScopeIds: [c, a] } })))).toEqual(["p:a", "p:c"]);
    refused(await gql(set, { input: { roleId: id, organizationScopeIds: [c, "ghost"] } }), "NOT_FOUND");
    expect(names(ok(await gql(`query ($id: ID!) { organizationRole(id: $id) { organizationScopes { name } } }`, { id })))).toEqual(["p:a", "p:c"]);
  });

  it("have unique names across both types", async () => {
    ok(await gql(CREATE_ROLE, { input: { name: "robot", type: "MACHINE_TO_MACHINE" } }));
    refused(await gql(CREATE_ROLE, { input: { name: "robot", type: "USER" } }), "CONFLICT");
  });

  it("keep their type once assigned", async () => {
    const { id } = ok(await gql(CREATE_ROLE, { input: { name: "fixed-type" } })).createOrganizationRole;
    const update = `mutation ($input: UpdateOrganizationRoleInput!) { updateOrganizationRole(input: $input) { type } }`;
    expect(ok(await gql(update, { input: { id, type: "MACHINE_TO_MACHINE" } })).updateOrganizationRole.type).toBe("MACHINE_TO_MACHINE");
    ok(await gql(update, { input: { id, type: "USER" } }));

    const organization = await gatehouse.server.db.prisma.organization.create({ data: { name: "Typed" } });
    const user = await gatehouse.server.db.prisma.user.create({ data: {} });
    await gatehouse.server.db.prisma.organizationMembership.create({
      data: { organizationId: organization.id, userId: user.id, roles: { create: { roleId: id } } },
    });
    const error = refused(await gql(update, { input: { id, type: "MACHINE_TO_MACHINE" } }), "CONFLICT", "input.type");
    expect(error.message).toContain("cannot change while it is assigned");
  });
});

describe("template writes", () => {
  it("need template:write", async () => {
    const reader = await admin(gatehouse.server, "template:read");
    refused(await reader(CREATE_SCOPE, { input: { name: "nope:x" } }), "FORBIDDEN");
    expect(ok(await reader(`{ organizationScopes { totalCount } }`)).organizationScopes.totalCount).toBeGreaterThan(0);
    const stranger = await admin(gatehouse.server, "users:read");
    refused(await stranger(`{ organizationScopes { totalCount } }`), "FORBIDDEN");
  });
});
