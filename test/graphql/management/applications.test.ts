// M2M applications through GraphQL: the secret shown once and rotated, cascades, and who may see
// an application's organizations.
import { describe, expect, it } from "vitest";
import { admin, caller, ok, refused } from "../../support/graphql.js";
import { requestToken } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const CREATE = `mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) { clientId clientSecret application { id name description type customData } }
}`;
const ROTATE = `mutation ($id: ID!) { rotateApplicationSecret(input: { id: $id }) { clientId clientSecret } }`;
const UPDATE = `mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { name description customData } }`;

interface Created {
  clientId: string;
  clientSecret: string;
}

async function createApplication(input: Record<string, unknown> = { name: "Billing backend" }): Promise<Created> {
  return ok(await gql<{ createApplication: Created }>(CREATE, { input })).createApplication;
}

/** A client_credentials request for a management token with these credentials. */
function clientCredentials(clientId: string, clientSecret: string) {
  return requestToken(
    gatehouse.server,
    { grant_type: "client_credentials", resource: gatehouse.server.services.config.tokens.managementResource },
    { basic: [clientId, clientSecret] },
  );
}

describe("applications", () => {
  it("are created with a client secret shown once, which authenticates the application", async () => {
    const input = { name: "Billing backend", description: "Charges cards", customData: { team: "payments" } };
    const created = ok(await gql(CREATE, { input })).createApplication;
    expect(created).toEqual({
      clientId: created.application.id,
      clientSecret: expect.stringMatching(/^ghs_/),
      application: { id: expect.any(String), ...input, type: "MACHINE_TO_MACHINE" },
    });
    expect((await clientCredentials(created.clientId, created.clientSecret)).status).toBe(200);
    expect((await clientCredentials(created.clientId, `${created.clientSecret}x`)).body.error).toBe("invalid_client");
  });

  it("never show the secret again: it is in no field and no audit event", async () => {
    const { clientId, clientSecret } = await createApplication();
    const { secretHash } = await gatehouse.server.db.prisma.application.findUniqueOrThrow({ where: { id: clientId } });
    const readable = await gql(`query ($id: ID!) {
      application(id: $id) { id name description type customData createdAt }
      auditEvents(targetId: $id) { edges { node { action data } } }
    }`, { id: clientId });
    expect(ok(readable).auditEvents.edges).toEqual([{ node: { action: "application.created", data: { name: "Billing backend" } } }]);
    for (const secret of [clientSecret, secretHash]) expect(JSON.stringify(readable)).not.toContain(secret);
    const asked = await gql(`query ($id: ID!) { application(id: $id) { clientSecret } }`, { id: clientId });
    expect(asked.errors?.[0]?.message).toContain('Cannot query field "clientSecret"');
  });

  it("rotate their secret: the old one stops working at once, the new one works", async () => {
    const { clientId, clientSecret: old } = await createApplication();
    const rotated = ok(await gql(ROTATE, { id: clientId })).rotateApplicationSecret;
    expect(rotated).toEqual({ clientId, clientSecret: expect.stringMatching(/^ghs_/) });
    expect(rotated.clientSecret).not.toBe(old);

    const refusedOld = await clientCredentials(clientId, old);
    expect(refusedOld.status).toBe(401);
    expect(refusedOld.body.error).toBe("invalid_client");
    expect((await clientCredentials(clientId, rotated.clientSecret)).status).toBe(200);
    refused(await gql(ROTATE, { id: "nope" }), "NOT_FOUND");
  });

  it("give a write-only token the secret, even when it may not read the application", async () => {
    const writer = await admin(gatehouse.server, "applications:write");
    const response = await writer(`mutation { createApplication(input: { name: "Write-only" }) { clientId clientSecret application { name } } }`);
    const created = response.data?.createApplication as { clientId: string; clientSecret: string; application: null };
    expect(created).toEqual({ clientId: expect.any(String), clientSecret: expect.stringMatching(/^ghs_/), application: null });
    expect(response.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ["FORBIDDEN", ["createApplication", "application"]],
    ]);
    expect((await clientCredentials(created.clientId, created.clientSecret)).status).toBe(200);
  });

  it("are updated (customData replaced, null clears the description), listed, searched and deleted", async () => {
    const { clientId } = await createApplication({ name: "Search target", description: "old", customData: { a: 1 } });
    const updated = ok(await gql(UPDATE, { input: { id: clientId, description: null, customData: { b: 2 } } })).updateApplication;
    expect(updated).toEqual({ name: "Search target", description: null, customData: { b: 2 } });

    const list = `query ($search: String) { applications(search: $search) { totalCount edges { node { id } } } }`;
    expect(ok(await gql(list, { search: "SEARCH TARGET" })).applications).toEqual({ totalCount: 1, edges: [{ node: { id: clientId } }] });
    const all = ok(await gql(`{ applications(first: 100) { totalCount edges { node { createdAt id } } } }`)).applications;
    const order = all.edges.map((edge: { node: { createdAt: string; id: string } }) => edge.node);
    expect(order).toEqual([...order].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));

    expect(ok(await gql(`mutation ($id: ID!) { deleteApplication(input: { id: $id }) }`, { id: clientId })).deleteApplication).toBe(clientId);
    expect(ok(await gql(list, { search: clientId })).applications.totalCount).toBe(0);
    refused(await gql(`mutation ($id: ID!) { deleteApplication(input: { id: $id }) }`, { id: clientId }), "NOT_FOUND");
  });

  it("refuse bad input, naming the field, and unknown ids", async () => {
    refused(await gql(CREATE, { input: { name: "  " } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(CREATE, { input: { name: "ok", description: "d".repeat(257) } }), "BAD_USER_INPUT", "input.description");
    refused(await gql(UPDATE, { input: { id: "ghost", name: "x" } }), "NOT_FOUND");
  });
});

describe("deleting an application", () => {
  it("removes its organization memberships and roles, and its global roles", async () => {
    const { clientId } = await createApplication();
    const organization = await gatehouse.fixtures.organization();
    const role = await gatehouse.fixtures.organizationRole({ type: "MACHINE_TO_MACHINE" });
    await gatehouse.fixtures.applicationMember(organization.id, clientId, [role.id]);
    const globalRole = await gatehouse.fixtures.globalRole({ type: "MACHINE_TO_MACHINE", scopeIds: [] });
    await gatehouse.server.db.prisma.applicationRole.create({ data: { applicationId: clientId, roleId: globalRole.id } });

    ok(await gql(`mutation ($id: ID!) { deleteApplication(input: { id: $id }) }`, { id: clientId }));
    const listed = ok(await gql(`query ($id: ID!) { organization(id: $id) { applications { totalCount } } }`, { id: organization.id }));
    expect(listed.organization.applications.totalCount).toBe(0);
    expect(await gatehouse.server.db.prisma.organizationApplicationRole.count({ where: { applicationId: clientId } })).toBe(0);
    expect(await gatehouse.server.db.prisma.applicationRole.count({ where: { applicationId: clientId } })).toBe(0);
  });
});

describe("an application's organizations", () => {
  const ORGANIZATIONS = `query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Application { id organizations { totalCount edges { node { organization { name } roles { name } } } } }
    }
  }`;

  it("list each organization with its roles there, for management readers and for the application itself", async () => {
    const { clientId, clientSecret } = await createApplication();
    const organization = await gatehouse.fixtures.organization({ name: "Initech" });
    const role = await gatehouse.fixtures.organizationRole({ name: "robot-reader", type: "MACHINE_TO_MACHINE" });
    await gatehouse.fixtures.applicationMember(organization.id, clientId, [role.id]);
    const expected = { totalCount: 1, edges: [{ node: { organization: { name: "Initech" }, roles: [{ name: "robot-reader" }] } }] };
    const r = [{ __typename: "Application", id: clientId }];

    for (const scope of ["applications:read", "organizations:read"]) {
      expect(ok(await (await admin(gatehouse.server, scope))(ORGANIZATIONS, { r }))._entities).toEqual([{ id: clientId, organizations: expected }]);
    }
    const own = await requestToken(gatehouse.server, { grant_type: "client_credentials", organization_id: organization.id }, { basic: [clientId, clientSecret] });
    expect(ok(await caller(gatehouse.server, own.body.access_token)(ORGANIZATIONS, { r }))._entities).toEqual([{ id: clientId, organizations: expected }]);
    const viaRoot = `query ($id: ID!) { application(id: $id) { organizations { totalCount } } }`;
    expect(ok(await gql(viaRoot, { id: clientId })).application.organizations.totalCount).toBe(1);
    refused(await (await admin(gatehouse.server, "users:read"))(ORGANIZATIONS, { r }), "FORBIDDEN");
  });

  it("are searched by the organization's name, description or exact id, with totalCount", async () => {
    const { clientId } = await createApplication();
    const [initech, umbrella] = [await gatehouse.fixtures.organization({ name: "Initech" }), await gatehouse.fixtures.organization({ name: "Umbrella" })];
    await gatehouse.fixtures.applicationMember(initech.id, clientId);
    await gatehouse.fixtures.applicationMember(umbrella.id, clientId);
    const SEARCH = `query ($id: ID!, $search: String) { application(id: $id) { organizations(search: $search) { totalCount edges { node { organization { id } } } } } }`;
    const found = async (search: string) => {
      const { totalCount, edges } = ok(await gql(SEARCH, { id: clientId, search })).application.organizations;
      return { totalCount, ids: edges.map((edge: { node: { organization: { id: string } } }) => edge.node.organization.id) };
    };
    expect(await found("UMBR")).toEqual({ totalCount: 1, ids: [umbrella.id] });
    expect(await found(initech.id)).toEqual({ totalCount: 1, ids: [initech.id] });
    expect(await found("nowhere")).toEqual({ totalCount: 0, ids: [] });
  });
});

describe("scopes", () => {
  it("applications:read reads but does not write; other scopes do neither", async () => {
    const reader = await admin(gatehouse.server, "applications:read");
    ok(await reader(`{ applications { totalCount } }`));
    refused(await reader(CREATE, { input: { name: "nope" } }), "FORBIDDEN");
    refused(await reader(ROTATE, { id: "any" }), "FORBIDDEN");
    const stranger = await admin(gatehouse.server, "users:write");
    refused(await stranger(`{ applications { totalCount } }`), "FORBIDDEN");
    refused(await stranger(`mutation { deleteApplication(input: { id: "x" }) }`), "FORBIDDEN");
  });
});
