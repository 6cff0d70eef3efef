// Members and M2M applications of organizations, and their roles, through GraphQL.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";

let organizationId: string;
let users: { id: string }[];

const MEMBERS = `query ($id: ID!, $search: String, $roleName: String) {
  organization(id: $id) {
    members(search: $search, roleName: $roleName) {
      totalCount
      edges { node { user { id } roles { name } permissions } }
    }
  }
}`;

interface MembersData {
  organization: { members: { totalCount: number; edges: { node: { user: { id: string }; roles: { name: string }[]; permissions: string[] } }[] } };
}

async function members(variables: Record<string, unknown> = {}) {
  const data = ok(await gql<MembersData>(MEMBERS, { id: organizationId, ...variables }));
  return data.organization.members;
}

const rolesOf = async (userId: string) =>
  (await members()).edges.find((edge) => edge.node.user.id === userId)?.node.roles.map((role) => role.name);

const gatehouse = useGatehouse();
const gql = gatehouse.admin;
beforeAll(async () => {
  await gatehouse.fixtures.organizationRole({ name: "admin", permissions: ["invite:users", "remove:users"] });
  await gatehouse.fixtures.organizationRole({ name: "member", permissions: ["invite:users"] });
  await gatehouse.fixtures.organizationRole({ name: "robot", type: "MACHINE_TO_MACHINE", permissions: ["sync:data"] });
});

beforeEach(async () => {
  organizationId = (await gatehouse.fixtures.organization()).id;
  users = await Promise.all([
    gatehouse.fixtures.user({ name: "Ada Lovelace", primaryEmail: `ada.${Date.now()}@example.test` }),
    gatehouse.fixtures.user({ name: "Grace Hopper" }),
    gatehouse.fixtures.user({ name: "Alan Turing" }),
  ]);
});

const ADD = `mutation ($input: AddOrganizationMembersInput!) { addOrganizationMembers(input: $input) { user { id } roles { name } } }`;
const ASSIGN = `mutation ($input: OrganizationMemberRolesInput!) { assignOrganizationMemberRoles(input: $input) { user { id } roles { name } } }`;
const UNASSIGN = `mutation ($input: OrganizationMemberRolesInput!) { unassignOrganizationMemberRoles(input: $input) { user { id } roles { name } } }`;
const SET_ROLES = `mutation ($input: SetOrganizationMemberRolesInput!) { setOrganizationMemberRoles(input: $input) { roles { name } permissions } }`;
const SET = `mutation ($input: SetOrganizationMembersInput!) { setOrganizationMembers(input: $input) { members { totalCount } } }`;
const REMOVE = `mutation ($input: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $input) }`;

describe("members", () => {
  it("are added many at once with roles by name, idempotently, and listed with roles and permissions", async () => {
    const userIds = users.map((user) => user.id);
    const added = ok(await gql(ADD, { input: { organizationId, userIds, roleNames: ["member"] } })).addOrganizationMembers;
    expect(added).toHaveLength(3);
    ok(await gql(ADD, { input: { organizationId, userIds: [users[0]!.id] } }));

    const list = await members();
    expect(list.totalCount).toBe(3);
    // Joined together, so ordered by user id after the join time.
    expect(list.edges.map((edge) => edge.node.user.id)).toEqual([...userIds].sort());
    expect(list.edges[0]!.node).toMatchObject({ roles: [{ name: "member" }], permissions: ["invite:users"] });
  });

  it("are searched by name or email, and filtered by role", async () => {
    await gql(ADD, { input: { organizationId, userIds: [users[0]!.id, users[1]!.id], roleNames: ["member"] } });
    await gql(ADD, { input: { organizationId, userIds: [users[2]!.id], roleNames: ["admin"] } });
    expect((await members({ search: "ada." })).edges.map((edge) => edge.node.user.id)).toEqual([users[0]!.id]);
    expect((await members({ search: "HOPPER" })).totalCount).toBe(1);
    expect((await members({ roleName: "admin" })).edges.map((edge) => edge.node.user.id)).toEqual([users[2]!.id]);
  });

  it("get roles in bulk (users × roles), lose them, and have them replaced", async () => {
    const [ada, grace] = users;
    await gql(ADD, { input: { organizationId, userIds: [ada!.id, grace!.id] } });
    ok(await gql(ASSIGN, { input: { organizationId, userIds: [ada!.id, grace!.id], roleNames: ["member", "admin"] } }));
    expect(await rolesOf(grace!.id)).toEqual(["admin", "member"]);

    ok(await gql(UNASSIGN, { input: { organizationId, userIds: [grace!.id], roleNames: ["admin"] } }));
    expect(await rolesOf(grace!.id)).toEqual(["member"]);

    const replaced = ok(await gql(SET_ROLES, { input: { organizationId, userId: ada!.id, roleNames: ["member"] } }));
    expect(replaced.setOrganizationMemberRoles).toEqual({ roles: [{ name: "member" }], permissions: ["invite:users"] });
    const roleId = (await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "admin" } })).id;
    ok(await gql(SET_ROLES, { input: { organizationId, userId: ada!.id, roleIds: [roleId] } }));
    expect(await rolesOf(ada!.id)).toEqual(["admin"]);
  });

  it("refuse roles to non-members, M2M roles to users, and unknown roles — changing nothing", async () => {
    const [ada, grace] = users;
    await gql(ADD, { input: { organizationId, userIds: [ada!.id] } });

    const outsider = refused(await gql(ASSIGN, { input: { organizationId, userIds: [ada!.id, grace!.id], roleNames: ["member"] } }), "MEMBERSHIP_REQUIRED");
    expect(outsider.message).toContain(grace!.id);
    expect(await rolesOf(ada!.id)).toEqual([]);

    const mismatch = refused(await gql(ASSIGN, { input: { organizationId, userIds: [ada!.id], roleNames: ["robot"] } }), "ROLE_TYPE_MISMATCH");
    expect(mismatch.message).toContain("robot is MACHINE_TO_MACHINE");
    refused(await gql(ADD, { input: { organizationId, userIds: [grace!.id], roleNames: ["robot"] } }), "ROLE_TYPE_MISMATCH");

    const unknown = refused(await gql(ASSIGN, { input: { organizationId, userIds: [ada!.id], roleNames: ["member", "ghost"] } }), "NOT_FOUND", "input.roleNames");
    expect(unknown.message).toContain("ghost");
    refused(await gql(ADD, { input: { organizationId, userIds: [grace!.id, "no-such-user"] } }), "NOT_FOUND", "input.userIds");
    expect((await members()).totalCount).toBe(1);
    refused(await gql(ADD, { input: { organizationId: "no-such-org", userIds: [ada!.id] } }), "NOT_FOUND");
  });

  it("are replaced as a set: leavers lose their roles, joiners start without", async () => {
    const [ada, grace, alan] = users;
    await gql(ADD, { input: { organizationId, userIds: [ada!.id, grace!.id], roleNames: ["admin"] } });
    ok(await gql(SET, { input: { organizationId, userIds: [grace!.id, alan!.id] } }));
    const list = await members();
    expect(list.edges.map((edge) => [edge.node.user.id, edge.node.roles.map((role) => role.name)])).toEqual([
      [grace!.id, ["admin"]],
      [alan!.id, []],
    ]);
    expect(await gatehouse.server.db.prisma.organizationUserRole.count({ where: { organizationId, userId: ada!.id } })).toBe(0);
  });

  it("are removed one by one, with their roles", async () => {
    const [ada] = users;
    await gql(ADD, { input: { organizationId, userIds: [ada!.id], roleNames: ["admin"] } });
    expect(ok(await gql(REMOVE, { input: { organizationId, userId: ada!.id } })).removeOrganizationMember).toBe(ada!.id);
    expect((await members()).totalCount).toBe(0);
    expect(await gatehouse.server.db.prisma.organizationUserRole.count({ where: { organizationId } })).toBe(0);
    refused(await gql(REMOVE, { input: { organizationId, userId: ada!.id } }), "NOT_FOUND");
  });

  it("are paged oldest first by cursor, forwards and backwards, with totalCount of the filtered list", async () => {
    const more = await Promise.all([1, 2].map((n) => gatehouse.fixtures.user({ name: `Paged ${n}` })));
    const all = [...users, ...more];
    // One at a time, so that the order (oldest membership first) is known.
    for (const user of all) ok(await gql(ADD, { input: { organizationId, userIds: [user.id], roleNames: ["member"] } }));
    ok(await gql(ASSIGN, { input: { organizationId, userIds: [all[1]!.id, all[3]!.id], roleNames: ["admin"] } }));
    const PAGE = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $roleId: ID, $search: String) {
      organization(id: $id) { members(first: $first, after: $after, last: $last, before: $before, roleId: $roleId, search: $search) {
        totalCount edges { cursor node { user { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } }
    }`;
    interface PageData {
      organization: { members: { totalCount: number; edges: { cursor: string; node: { user: { id: string } } }[]; pageInfo: Record<string, unknown> } };
    }
    const page = async (variables: Record<string, unknown>) => {
      const { members } = ok(await gql<PageData>(PAGE, { id: organizationId, ...variables })).organization;
      return { ...members, ids: members.edges.map((edge) => edge.node.user.id) };
    };
    const ids = all.map((user) => user.id);
    const first = await page({ first: 2 });
    expect(first.ids).toEqual(ids.slice(0, 2));
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: first.edges[1]!.cursor });
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(second.ids).toEqual(ids.slice(2, 4));
    const rest = await page({ first: 2, after: second.pageInfo.endCursor });
    expect(rest.ids).toEqual(ids.slice(4));
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const last = await page({ last: 2 });
    expect(last.ids).toEqual(ids.slice(3));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await page({ last: 2, before: last.pageInfo.startCursor });
    expect(before.ids).toEqual(ids.slice(1, 3));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const admins = (await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "admin" } })).id;
    const filtered = await page({ first: 1, roleId: admins });
    expect(filtered).toMatchObject({ ids: [ids[1]], totalCount: 2 });
    expect((await page({ first: 1, after: filtered.pageInfo.endCursor, roleId: admins })).ids).toEqual([ids[3]]);
    expect(await page({ search: "paged" })).toMatchObject({ ids: ids.slice(3), totalCount: 2 });
    expect(await page({ search: ids[0] })).toMatchObject({ ids: [ids[0]], totalCount: 1 });
    const refusedBoth = await gql(PAGE, { id: organizationId, first: 1, before: last.pageInfo.startCursor });
    expect(refusedBoth.errors?.length).toBe(1);
  });

  it("show when each joined, and their user's times, to the millisecond", async () => {
    ok(await gql(ADD, { input: { organizationId, userIds: users.map((user) => user.id) } }));
    const data = ok(
      await gql(`query ($id: ID!) { organization(id: $id) { members { edges { node { joinedAt user { id createdAt } } } } } }`, { id: organizationId }),
    );
    const { prisma } = gatehouse.server.db;
    const rows = await prisma.organizationMembership.findMany({ where: { organizationId }, include: { user: true }, orderBy: [{ createdAt: "asc" }, { userId: "asc" }] });
    expect(data.organization.members.edges.map((edge: { node: unknown }) => edge.node)).toEqual(
      rows.map((row) => ({ joinedAt: row.createdAt.toISOString(), user: { id: row.userId, createdAt: row.user.createdAt.toISOString() } })),
    );
  });

  it("see template changes at once, in every organization", async () => {
    const [ada] = users;
    const other = (await gatehouse.fixtures.organization()).id;
    for (const id of [organizationId, other]) await gql(ADD, { input: { organizationId: id, userIds: [ada!.id], roleNames: ["member"] } });
    const scope = await gatehouse.server.db.prisma.organizationScope.create({ data: { name: `export:${Date.now()}` } });
    const member = await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "member" } });
    ok(
      await gql(`mutation ($input: OrganizationRolePermissionsInput!) { addOrganizationRolePermissions(input: $input) { id } }`, {
        input: { roleId: member.id, organizationScopeIds: [scope.id] },
      }),
    );
    for (const id of [organizationId, other]) {
      const data = ok(await gql(`query ($id: ID!, $user: ID!) { organization(id: $id) { member(userId: $user) { permissions } } }`, { id, user: ada!.id }));
      expect(data.organization.member.permissions).toContain(scope.name);
    }
    await gql(`mutation ($input: OrganizationRolePermissionsInput!) { removeOrganizationRolePermissions(input: $input) { id } }`, {
      input: { roleId: member.id, organizationScopeIds: [scope.id] },
    });
  });

  it("lose a deleted role everywhere", async () => {
    const [ada] = users;
    const role = await gatehouse.fixtures.organizationRole({ name: `temp-${Date.now()}`, permissions: ["temp:x"] });
    await gql(ADD, { input: { organizationId, userIds: [ada!.id], roleIds: [role.id] } });
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: role.id }));
    expect(await rolesOf(ada!.id)).toEqual([]);
  });

  it("need organizations:write to change and organizations:read to read", async () => {
    const reader = await admin(gatehouse.server, "organizations:read");
    refused(await reader(ADD, { input: { organizationId, userIds: [users[0]!.id] } }), "FORBIDDEN");
    expect(ok(await reader(MEMBERS, { id: organizationId })).organization.members.totalCount).toBe(0);
    const other = await admin(gatehouse.server, "users:read");
    const response = await other(MEMBERS, { id: organizationId });
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("applications in organizations", () => {
  const APPS = `query ($id: ID!) { organization(id: $id) { applications { totalCount edges { node { application { id } roles { name } permissions } } } } }`;
  const ADD_APPS = `mutation ($input: AddOrganizationApplicationsInput!) { addOrganizationApplications(input: $input) { application { id } roles { name } } }`;

  it("join with M2M roles, refuse USER roles, and leave", async () => {
    const app = await gatehouse.fixtures.application();
    const added = ok(await gql(ADD_APPS, { input: { organizationId, applicationIds: [app.id], roleNames: ["robot"] } }));
    expect(added.addOrganizationApplications).toEqual([{ application: { id: app.id }, roles: [{ name: "robot" }] }]);
    refused(
      await gql(`mutation ($input: OrganizationApplicationRolesInput!) { assignOrganizationApplicationRoles(input: $input) { roles { name } } }`, {
        input: { organizationId, applicationIds: [app.id], roleNames: ["member"] },
      }),
      "ROLE_TYPE_MISMATCH",
    );
    const list = ok(await gql(APPS, { id: organizationId })).organization.applications;
    expect(list).toEqual({ totalCount: 1, edges: [{ node: { application: { id: app.id }, roles: [{ name: "robot" }], permissions: ["sync:data"] } }] });
    ok(await gql(`mutation ($input: RemoveOrganizationApplicationInput!) { removeOrganizationApplication(input: $input) }`, {
      input: { organizationId, applicationId: app.id },
    }));
    expect(ok(await gql(APPS, { id: organizationId })).organization.applications.totalCount).toBe(0);
  });
  it("are searched by name, description or exact id, with totalCount and pages", async () => {
    const CREATE_APP = `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { application { id } } }`;
    const create = async (input: { name: string; description?: string }) => ok(await gql(CREATE_APP, { input })).createApplication.application.id as string;
    const apps = [await create({ name: "Search billing sync" }), await create({ name: "Reports", description: "nightly SEARCH export" }), await create({ name: "Unrelated" })];
    // Joined together, so ordered by application id after the join time.
    ok(await gql(ADD_APPS, { input: { organizationId, applicationIds: apps } }));
    const matching = apps.slice(0, 2).sort();
    const SEARCH = `query ($id: ID!, $search: String, $after: String) {
      organization(id: $id) { applications(search: $search, first: 1, after: $after) { totalCount edges { node { application { id } } } pageInfo { hasNextPage endCursor } } }
    }`;
    const first = ok(await gql(SEARCH, { id: organizationId, search: "search" })).organization.applications;
    expect(first.totalCount).toBe(2);
    expect(first.edges.map((edge: { node: { application: { id: string } } }) => edge.node.application.id)).toEqual([matching[0]]);
    const second = ok(await gql(SEARCH, { id: organizationId, search: "search", after: first.pageInfo.endCursor })).organization.applications;
    expect(second.edges.map((edge: { node: { application: { id: string } } }) => edge.node.application.id)).toEqual([matching[1]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const byId = ok(await gql(SEARCH, { id: organizationId, search: ` ${apps[2]} ` })).organization.applications;
    expect(byId.edges.map((edge: { node: { application: { id: string } } }) => edge.node.application.id)).toEqual([apps[2]]);
    expect(ok(await gql(SEARCH, { id: organizationId, search: "   " })).organization.applications.totalCount).toBe(3);
    expect(ok(await gql(SEARCH, { id: organizationId, search: "nothing like it" })).organization.applications.totalCount).toBe(0);
  });
});
