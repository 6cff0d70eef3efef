// The organization plane: members manage their own organization with an organization token, on
// the default template, without escalating their privileges or orphaning the organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caller, ok, refused } from "../support/graphql.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let world: Awaited<ReturnType<typeof organizationOfMembers>>;

beforeAll(async () => {
  server = await startTestServer();
  world = await organizationOfMembers(server);
});
afterAll(() => server.close());

const as = async (user: { id: string }) => caller(server, await world.token(user));
const organizationId = () => world.organization.id;

const MEMBERS = `query ($id: ID!) { organization(id: $id) { name isMfaRequired branding { logoUrl }
  members { totalCount edges { node { user { id name } roles { name } } } } } }`;
const ASSIGN = `mutation ($input: OrganizationMemberRolesInput!) { assignOrganizationMemberRoles(input: $input) { roles { name } } }`;
const UNASSIGN = `mutation ($input: OrganizationMemberRolesInput!) { unassignOrganizationMemberRoles(input: $input) { roles { name } } }`;
const SET_ROLES = `mutation ($input: SetOrganizationMemberRolesInput!) { setOrganizationMemberRoles(input: $input) { roles { name } } }`;
const REMOVE = `mutation ($input: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $input) }`;
const UPDATE = `mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { name description branding { logoUrl } } }`;

const rolesOf = async (userId: string) =>
  (await server.db.prisma.organizationUserRole.findMany({ where: { organizationId: organizationId(), userId }, include: { role: true } }))
    .map((link) => link.role.name)
    .sort();

describe("a member with read permissions", () => {
  it("reads the organization and its members with their roles", async () => {
    const grace = await as(world.users.grace);
    const data = ok(await grace(MEMBERS, { id: organizationId() }));
    expect(data.organization).toMatchObject({ name: "Acme", isMfaRequired: false, members: { totalCount: 3 } });
    const roles = data.organization.members.edges.map((edge: any) => [edge.node.user.name, edge.node.roles.map((r: any) => r.name)]);
    expect(roles).toEqual(
      expect.arrayContaining([
        ["Ada Acme", ["admin"]],
        ["Grace Acme", ["member"]],
        ["Alan Acme", ["viewer"]],
      ]),
    );
  });

  it("lists the organization's applications", async () => {
    const grace = await as(world.users.grace);
    const data = ok(await grace(`query ($id: ID!) { organization(id: $id) { applications { edges { node { application { id name } } } } } }`, { id: organizationId() }));
    expect(data.organization.applications.edges).toEqual([{ node: { application: { id: world.app.id, name: "Sync Acme" } } }]);
  });

  it("does not see what only management may: users' custom data, the organization's", async () => {
    const grace = await as(world.users.grace);
    const response = await grace(`query ($id: ID!) { organization(id: $id) { customData members { edges { node { user { customData } } } } } }`, {
      id: organizationId(),
    });
    expect(response.data?.organization?.customData).toBeNull();
    expect(new Set(response.errors?.map((error) => error.extensions?.code))).toEqual(new Set(["FORBIDDEN"]));
  });

  it("cannot remove members, change roles or the profile", async () => {
    const grace = await as(world.users.grace);
    refused(await grace(REMOVE, { input: { organizationId: organizationId(), userId: world.users.alan.id } }), "FORBIDDEN");
    refused(await grace(ASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.alan.id], roleNames: ["member"] } }), "FORBIDDEN");
    refused(await grace(UPDATE, { input: { id: organizationId(), name: "Hacked" } }), "FORBIDDEN");
    expect(await rolesOf(world.users.alan.id)).toEqual(["viewer"]);
  });
});

describe("an admin", () => {
  it("updates the profile and branding, but not what only management may change", async () => {
    const ada = await as(world.users.ada);
    const updated = ok(await ada(UPDATE, { input: { id: organizationId(), description: "Anvils and more", branding: { logoUrl: "https://acme.test/l.svg" } } }));
    expect(updated.updateOrganization).toEqual({ name: "Acme", description: "Anvils and more", branding: { logoUrl: "https://acme.test/l.svg" } });
    refused(await ada(UPDATE, { input: { id: organizationId(), isMfaRequired: true } }), "FORBIDDEN", "input.isMfaRequired");
    refused(await ada(UPDATE, { input: { id: organizationId(), customData: { plan: "free" } } }), "FORBIDDEN", "input.customData");
  });

  it("assigns and unassigns roles, and removes members", async () => {
    const ada = await as(world.users.ada);
    ok(await ada(ASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.alan.id], roleNames: ["member"] } }));
    expect(await rolesOf(world.users.alan.id)).toEqual(["member", "viewer"]);
    ok(await ada(UNASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.alan.id], roleNames: ["viewer"] } }));
    expect(await rolesOf(world.users.alan.id)).toEqual(["member"]);
    expect(ok(await ada(REMOVE, { input: { organizationId: organizationId(), userId: world.users.alan.id } })).removeOrganizationMember).toBe(
      world.users.alan.id,
    );
    expect(await server.db.prisma.organizationMembership.count({ where: { organizationId: organizationId(), userId: world.users.alan.id } })).toBe(0);
    await server.db.prisma.organizationMembership.create({
      data: { organizationId: organizationId(), userId: world.users.alan.id, roles: { create: { roleId: await world.role("viewer") } } },
    });
  });

  it("cannot leave the organization without a manager", async () => {
    const ada = await as(world.users.ada);
    const conflict = refused(await ada(UNASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.ada.id], roleNames: ["admin"] } }), "CONFLICT");
    expect(conflict.message).toContain("no member holding manage:organization");
    refused(await ada(REMOVE, { input: { organizationId: organizationId(), userId: world.users.ada.id } }), "CONFLICT");
    refused(await ada(SET_ROLES, { input: { organizationId: organizationId(), userId: world.users.ada.id, roleNames: ["member"] } }), "CONFLICT");
    expect(await rolesOf(world.users.ada.id)).toEqual(["admin"]);

    ok(await ada(ASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.grace.id], roleNames: ["admin"] } }));
    ok(await ada(SET_ROLES, { input: { organizationId: organizationId(), userId: world.users.ada.id, roleNames: ["member"] } }));
    expect(await rolesOf(world.users.ada.id)).toEqual(["member"]);
    await server.db.prisma.organizationUserRole.deleteMany({ where: { organizationId: organizationId(), userId: world.users.grace.id } });
    await server.db.prisma.organizationUserRole.createMany({
      data: [
        { organizationId: organizationId(), userId: world.users.grace.id, roleId: await world.role("member") },
        { organizationId: organizationId(), userId: world.users.ada.id, roleId: await world.role("admin") },
      ],
      skipDuplicates: true,
    });
  });
});

describe("no privilege escalation", () => {
  it("a role manager gives and takes only roles within its own permissions", async () => {
    const helper = await server.db.prisma.organizationRole.create({
      data: {
        name: "helper",
        scopes: {
          create: await server.db.prisma.organizationScope
            .findMany({ where: { name: { in: ["assign:roles", "remove:members", "read:members", "read:organization"] } } })
            .then((scopes) => scopes.map((scope) => ({ scopeId: scope.id }))),
        },
      },
    });
    await server.db.prisma.organizationUserRole.create({ data: { organizationId: organizationId(), userId: world.users.grace.id, roleId: helper.id } });
    const grace = await as(world.users.grace);

    const escalation = refused(await grace(ASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.grace.id], roleNames: ["admin"] } }), "FORBIDDEN");
    expect(escalation.message).toMatch(/role admin grants permissions you do not hold \(.*manage:organization/);
    refused(await grace(UNASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.ada.id], roleNames: ["admin"] } }), "FORBIDDEN");
    refused(await grace(REMOVE, { input: { organizationId: organizationId(), userId: world.users.ada.id } }), "FORBIDDEN");
    refused(await grace(SET_ROLES, { input: { organizationId: organizationId(), userId: world.users.alan.id, roleNames: ["admin"] } }), "FORBIDDEN");

    ok(await grace(ASSIGN, { input: { organizationId: organizationId(), userIds: [world.users.alan.id], roleNames: ["viewer", "member"] } }));
    expect(await rolesOf(world.users.alan.id)).toEqual(["member", "viewer"]);
    expect(await rolesOf(world.users.ada.id)).toContain("admin");
  });
});

describe("an organization token in Gatehouse's own API", () => {
  it("loses what the member's roles no longer grant, and everything once the member is removed, before it expires", async () => {
    const f = (await import("../support/fixtures.js")).fixtures(server.db.prisma);
    const user = await f.user({ name: "Short-lived" });
    await f.member(organizationId(), user.id, [await world.role("member")]);
    const token = await world.token(user);
    const gql = caller(server, token);
    const READ = `query ($id: ID!) { organization(id: $id) { name members { totalCount } } }`;
    expect(ok(await gql(READ, { id: organizationId() })).organization.members.totalCount).toBeGreaterThan(0);

    await server.db.prisma.organizationUserRole.deleteMany({ where: { organizationId: organizationId(), userId: user.id } });
    await server.db.prisma.organizationUserRole.create({ data: { organizationId: organizationId(), userId: user.id, roleId: await world.role("viewer") } });
    const demoted = await gql(READ, { id: organizationId() });
    expect(demoted.data?.organization).toEqual({ name: "Acme", members: null });
    expect(demoted.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    await server.db.prisma.organizationMembership.delete({ where: { organizationId_userId: { organizationId: organizationId(), userId: user.id } } });
    refused(await gql(`query ($id: ID!) { organization(id: $id) { name } }`, { id: organizationId() }), "FORBIDDEN");
  });
});
