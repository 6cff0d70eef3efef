// Isolation between organizations. The suite walks the schema for every field and type bound to
// an organization (printed with @organizationScoped) and proves, for each, that a token for
// another organization (holding every permission there) and a token of the same organization
// without the needed permission are refused, and that no row of the target organization is
// returned or changed. A new organization-bound field fails the walk until a case covers it.
import { type GraphQLNamedType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema } from "../../src/graphql/schema/index.js";
import { organizationPermissions } from "../../src/domain/organization-permissions.js";
import { seedTemplate } from "../../src/domain/seed.js";
import { caller, type Caller } from "../support/graphql.js";
import { fixtures } from "../support/fixtures.js";
import { organizationToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Case {
  /** The permission the field needs in its organization. */
  permission: string;
  operation: string;
  variables: () => Record<string, unknown>;
}

let server: TestServer;
/** The target: Globex, with secrets that must never leak. */
let target: { organizationId: string; memberId: string; applicationId: string; invitationId: string };
/** An admin of Acme: every organization permission, but in another organization. */
let foreign: Caller;
/** Globex members holding every permission but one. */
const lacking = new Map<string, Caller>();

const SECRET = "globex-secret";
const id = () => target.organizationId;

const cases: Record<string, Case> = {
  Organization: { permission: "read:organization", operation: `query ($id: ID!) { organization(id: $id) { id name description } }`, variables: () => ({ id: id() }) },
  "Query.organization": { permission: "read:organization", operation: `query ($id: ID!) { organization(id: $id) { id } }`, variables: () => ({ id: id() }) },
  "Organization.members": {
    permission: "read:members",
    operation: `query ($id: ID!) { organization(id: $id) { members { edges { node { user { id name } } } } } }`,
    variables: () => ({ id: id() }),
  },
  "Organization.member": {
    permission: "read:members",
    operation: `query ($id: ID!, $user: ID!) { organization(id: $id) { member(userId: $user) { user { name } } } }`,
    variables: () => ({ id: id(), user: target.memberId }),
  },
  OrganizationMember: {
    permission: "read:members",
    operation: `query ($id: ID!) { organization(id: $id) { members { edges { node { joinedAt roles { name } } } } } }`,
    variables: () => ({ id: id() }),
  },
  "Organization.applications": {
    permission: "read:applications",
    operation: `query ($id: ID!) { organization(id: $id) { applications { edges { node { application { id name } } } } } }`,
    variables: () => ({ id: id() }),
  },
  OrganizationApplicationMember: {
    permission: "read:applications",
    operation: `query ($id: ID!) { organization(id: $id) { applications { edges { node { joinedAt } } } } }`,
    variables: () => ({ id: id() }),
  },
  "Mutation.updateOrganization": {
    permission: "manage:organization",
    operation: `mutation ($id: ID!) { updateOrganization(input: { id: $id, name: "Taken over" }) { id } }`,
    variables: () => ({ id: id() }),
  },
  "Mutation.removeOrganizationMember": {
    permission: "remove:members",
    operation: `mutation ($id: ID!, $user: ID!) { removeOrganizationMember(input: { organizationId: $id, userId: $user }) }`,
    variables: () => ({ id: id(), user: target.memberId }),
  },
  "Mutation.assignOrganizationMemberRoles": {
    permission: "assign:roles",
    operation: `mutation ($id: ID!, $user: ID!) { assignOrganizationMemberRoles(input: { organizationId: $id, userIds: [$user], roleNames: ["admin"] }) { roles { name } } }`,
    variables: () => ({ id: id(), user: target.memberId }),
  },
  "Mutation.unassignOrganizationMemberRoles": {
    permission: "assign:roles",
    operation: `mutation ($id: ID!, $user: ID!) { unassignOrganizationMemberRoles(input: { organizationId: $id, userIds: [$user], roleNames: ["viewer"] }) { roles { name } } }`,
    variables: () => ({ id: id(), user: target.memberId }),
  },
  "Organization.invitations": {
    permission: "invite:members",
    operation: `query ($id: ID!) { organization(id: $id) { invitations { totalCount edges { node { id } } } } }`,
    variables: () => ({ id: id() }),
  },
  OrganizationInvitation: {
    permission: "invite:members",
    operation: `query ($id: ID!) { organization(id: $id) { invitations { edges { node { invitee status roles { name } inviter { name } } } } } }`,
    variables: () => ({ id: id() }),
  },
  "Mutation.createOrganizationInvitation": {
    permission: "invite:members",
    operation: `mutation ($id: ID!) { createOrganizationInvitation(input: { organizationId: $id, invitee: "intruder@acme.test", roleNames: ["admin"] }) { invitationToken } }`,
    variables: () => ({ id: id() }),
  },
  "Mutation.revokeOrganizationInvitation": {
    permission: "invite:members",
    operation: `mutation ($id: ID!, $invitation: ID!) { revokeOrganizationInvitation(input: { organizationId: $id, invitationId: $invitation }) { invitee status } }`,
    variables: () => ({ id: id(), invitation: target.invitationId }),
  },
  "Mutation.deleteOrganizationInvitation": {
    permission: "invite:members",
    operation: `mutation ($id: ID!, $invitation: ID!) { deleteOrganizationInvitation(input: { organizationId: $id, invitationId: $invitation }) }`,
    variables: () => ({ id: id(), invitation: target.invitationId }),
  },
  "Subscription.organizationChanged": {
    permission: "read:organization",
    operation: `subscription ($id: ID!) { organizationChanged(organizationId: $id) { action targetId organization { name } } }`,
    variables: () => ({ id: id() }),
  },
  "Mutation.setOrganizationMemberRoles": {
    permission: "assign:roles",
    operation: `mutation ($id: ID!, $user: ID!) { setOrganizationMemberRoles(input: { organizationId: $id, userId: $user, roleNames: [] }) { roles { name } } }`,
    variables: () => ({ id: id(), user: target.memberId }),
  },
};

/** Every type and field the schema binds to an organization. */
function organizationBound(): string[] {
  const bound = (owner: { extensions?: { directives?: unknown } | null }) =>
    ((owner.extensions?.directives as { name: string }[] | undefined) ?? []).some((directive) => directive.name === "organizationScoped");
  const found: string[] = [];
  for (const type of Object.values(buildSchema().getTypeMap()) as GraphQLNamedType[]) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    if (bound(type)) found.push(type.name);
    for (const field of Object.values(type.getFields())) if (bound(field)) found.push(`${type.name}.${field.name}`);
  }
  return found.sort();
}

/** Everything of the target organization a refused operation must leave as it was. */
async function snapshot() {
  const { prisma } = server.db;
  return JSON.stringify({
    organization: await prisma.organization.findUnique({ where: { id: id() } }),
    members: await prisma.organizationMembership.findMany({ where: { organizationId: id() }, orderBy: { userId: "asc" } }),
    roles: await prisma.organizationUserRole.findMany({ where: { organizationId: id() }, orderBy: [{ userId: "asc" }, { roleId: "asc" }] }),
    invitations: await prisma.organizationInvitation.findMany({ where: { organizationId: id() }, include: { roles: true }, orderBy: { id: "asc" } }),
  });
}

beforeAll(async () => {
  server = await startTestServer();
  const { prisma } = server.db;
  const f = fixtures(prisma);
  await seedTemplate({ prisma, actor: "test" });
  const role = async (name: string) => (await prisma.organizationRole.findUniqueOrThrow({ where: { name } })).id;

  const acme = await f.organization({ name: "Acme" });
  const acmeAdmin = await f.user({ name: "Acme admin" });
  await f.member(acme.id, acmeAdmin.id, [await role("admin")]);
  foreign = caller(server, await organizationToken(server, acmeAdmin.id, acme.id));

  const globex = await prisma.organization.create({ data: { name: SECRET, description: SECRET } });
  const member = await f.user({ name: `${SECRET}-member` });
  const app = await f.application(`${SECRET}-app`);
  await f.member(globex.id, member.id, [await role("viewer")]);
  await f.applicationMember(globex.id, app.id);
  const invitation = await prisma.organizationInvitation.create({
    data: {
      organizationId: globex.id,
      invitee: `${SECRET}@globex.test`,
      inviterId: member.id,
      expiresAt: new Date(Date.now() + 86_400_000),
      roles: { create: { roleId: await role("viewer") } },
    },
  });
  target = { organizationId: globex.id, memberId: member.id, applicationId: app.id, invitationId: invitation.id };

  for (const permission of Object.keys(organizationPermissions)) {
    const others = Object.keys(organizationPermissions).filter((name) => name !== permission);
    const almost = await f.organizationRole({ name: `all-but-${permission}`, permissions: others });
    const user = await f.user();
    await f.member(globex.id, user.id, [almost.id]);
    lacking.set(permission, caller(server, await organizationToken(server, user.id, globex.id)));
  }
  // Keep a manager, so refusals are about permissions, not about the last-manager rule.
  const manager = await f.user();
  await f.member(globex.id, manager.id, [await role("admin")]);
});
afterAll(() => server.close());

describe("organization isolation", () => {
  it("has a case for every organization-bound field and type of the schema", () => {
    expect(Object.keys(cases).sort()).toEqual(organizationBound());
  });

  for (const [coordinate, { permission, operation, variables }] of Object.entries(cases)) {
    describe(coordinate, () => {
      for (const token of ["another organization's token", `a token without ${permission}`] as const) {
        it(`refuses ${token}, returning and changing nothing of the organization`, async () => {
          const gql = token.startsWith("another") ? foreign : lacking.get(permission)!;
          const before = await snapshot();
          const response = await gql(operation, variables());
          expect(response.errors?.map((error) => error.extensions?.code)).toContain("FORBIDDEN");
          expect(JSON.stringify(response.data ?? {})).not.toContain(SECRET);
          expect(JSON.stringify(response.data ?? {})).not.toContain(target.memberId);
          expect(await snapshot()).toBe(before);
        });
      }
    });
  }
});

describe("_entities", () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
    ... on Organization { id organizationName: name } ... on User { id userName: name } ... on Application { id applicationName: name } } }`;
  const representations = () => [
    { __typename: "Organization", id: target.organizationId },
    { __typename: "User", id: target.memberId },
    { __typename: "Application", id: target.applicationId },
  ];

  it.each([
    ["no token", () => caller(server)],
    ["another organization's token", () => foreign],
  ])("returns nothing of the entities with %s", async (_case, gql) => {
    const response = await gql()(ENTITIES, { r: representations() });
    expect(response.data).toEqual({ _entities: [null, null, null] });
    expect(JSON.stringify(response)).not.toContain(SECRET);
    expect(response.errors?.length).toBeGreaterThan(0);
  });
});
