// Organizations through GraphQL: create, update, delete, list.
import { describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const FIELDS = `id name description isMfaRequired customData branding { logoUrl darkLogoUrl favicon darkFavicon }`;
const CREATE = `mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { ${FIELDS} } }`;

async function create(input: Record<string, unknown>) {
  return ok(await gql<{ createOrganization: Record<string, any> }>(CREATE, { input })).createOrganization;
}

describe("organizations", () => {
  it("are created with their profile, custom data, MFA requirement and branding", async () => {
    const organization = await create({
      name: "  Acme  ",
      description: "Anvils",
      customData: { plan: "gold", seats: 10 },
      isMfaRequired: true,
      branding: { logoUrl: "https://acme.test/logo.svg", darkFavicon: "https://acme.test/dark.ico" },
    });
    expect(organization).toEqual({
      id: expect.any(String),
      name: "Acme",
      description: "Anvils",
      isMfaRequired: true,
      customData: { plan: "gold", seats: 10 },
      branding: { logoUrl: "https://acme.test/logo.svg", darkLogoUrl: null, favicon: null, darkFavicon: "https://acme.test/dark.ico" },
    });
  });

  it("are updated field by field: branding URLs one by one, custom data as a whole, null clears", async () => {
    const { id } = await create({ name: "Globex", description: "Old", customData: { a: 1 }, branding: { logoUrl: "https://g.test/a.svg" } });
    const updated = ok(
      await gql(UPDATE, { input: { id, description: null, customData: { b: 2 }, branding: { favicon: "https://g.test/gatehouse.fixtures.ico" } } }),
    ).updateOrganization;
    expect(updated).toMatchObject({
      name: "Globex",
      description: null,
      customData: { b: 2 },
      branding: { logoUrl: "https://g.test/a.svg", favicon: "https://g.test/gatehouse.fixtures.ico" },
    });
    const cleared = ok(await gql(UPDATE, { input: { id, branding: { logoUrl: null } } })).updateOrganization;
    expect(cleared.branding.logoUrl).toBeNull();
    expect(cleared.branding.favicon).toBe("https://g.test/gatehouse.fixtures.ico");
  });

  it("refuse bad input with the field at fault, and change nothing", async () => {
    const { id } = await create({ name: "Initech" });
    refused(await gql(CREATE, { input: { name: "" } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(CREATE, { input: { name: "x".repeat(129) } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(UPDATE, { input: { id, branding: { logoUrl: "javascript:alert(1)" } } }), "BAD_USER_INPUT", "input.branding.logoUrl");
    refused(await gql(UPDATE, { input: { id, description: "d".repeat(257) } }), "BAD_USER_INPUT", "input.description");
    const notAnObject = await gql(UPDATE, { input: { id, customData: [1, 2] } });
    expect(notAnObject.errors?.[0]?.message).toMatch(/JSONObject|object/i);
    expect(notAnObject.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    refused(await gql(UPDATE, { input: { id: "missing", name: "x" } }), "NOT_FOUND");
    expect(ok(await gql(`query ($id: ID!) { organization(id: $id) { name branding { logoUrl } } }`, { id })).organization).toEqual({
      name: "Initech",
      branding: { logoUrl: null },
    });
  });

  it("are listed oldest first, searched by name, paged, and counted", async () => {
    for (const name of ["Search Alpha", "Search Beta", "Search Gamma"]) await create({ name });
    const first = ok(await gql(`{ organizations(search: "search", first: 2) { totalCount edges { node { name } } pageInfo { endCursor hasNextPage } } }`));
    expect(first.organizations.totalCount).toBe(3);
    expect(first.organizations.edges.map((edge: any) => edge.node.name)).toEqual(["Search Alpha", "Search Beta"]);
    const rest = ok(
      await gql(`query ($after: String) { organizations(search: "search", first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage } } }`, {
        after: first.organizations.pageInfo.endCursor,
      }),
    );
    expect(rest.organizations.edges.map((edge: any) => edge.node.name)).toEqual(["Search Gamma"]);
    expect(rest.organizations.pageInfo.hasNextPage).toBe(false);
  });

  it("are deleted with their memberships and role assignments", async () => {
    const { id } = await create({ name: "Doomed" });
    const user = await gatehouse.server.db.prisma.user.create({ data: {} });
    const role = await gatehouse.server.db.prisma.organizationRole.create({ data: { name: "doomed-role" } });
    await gatehouse.server.db.prisma.organizationMembership.create({
      data: { organizationId: id, userId: user.id, roles: { create: { roleId: role.id } } },
    });
    expect(ok(await gql(`mutation ($id: ID!) { deleteOrganization(input: { id: $id }) }`, { id })).deleteOrganization).toBe(id);
    expect(await gatehouse.server.db.prisma.organizationMembership.count({ where: { organizationId: id } })).toBe(0);
    expect(await gatehouse.server.db.prisma.organizationUserRole.count({ where: { organizationId: id } })).toBe(0);
    refused(await gql(`mutation ($id: ID!) { deleteOrganization(input: { id: $id }) }`, { id }), "NOT_FOUND");
  });

  it("need organizations:write to change and organizations:read to list", async () => {
    const reader = await admin(gatehouse.server, "organizations:read");
    refused(await reader(CREATE, { input: { name: "Nope" } }), "FORBIDDEN");
    expect(ok(await reader(`{ organizations(first: 1) { totalCount } }`)).organizations.totalCount).toBeGreaterThan(0);
    const other = await admin(gatehouse.server, "template:write");
    refused(await other(`{ organizations(first: 1) { totalCount } }`), "FORBIDDEN");
  });

  it("record every change in the audit trail", async () => {
    const { id } = await create({ name: "Audited" });
    await gql(UPDATE, { input: { id, name: "Audited 2" } });
    const events = await gatehouse.server.db.prisma.auditEvent.findMany({ where: { organizationId: id }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.action)).toEqual(["organization.created", "organization.updated"]);
    expect(events[0]!.actor).toMatch(/^application:/);
  });
});
