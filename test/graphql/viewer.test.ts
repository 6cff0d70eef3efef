// The viewer plane: any signed-in user sees themself and their organizations with their roles.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caller, ok } from "../support/graphql.js";
import { type IdentityProvider, startIdentityProvider } from "../support/identity-provider.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, identityToken, managementToken, organizationToken, requestToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let idp: IdentityProvider;
let server: TestServer;
let acme: Awaited<ReturnType<typeof organizationOfMembers>>;
let globexId: string;

const VIEWER = `query ($first: Int, $after: String) { viewer {
  user { id name }
  organizations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name isMfaRequired branding { logoUrl } roles { name } permissions } }
  }
} }`;

beforeAll(async () => {
  idp = await startIdentityProvider();
  server = await startTestServer({ env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer()]) } });
  acme = await organizationOfMembers(server, "Acme");
  const globex = await server.db.prisma.organization.create({ data: { name: "Globex", isMfaRequired: true } });
  globexId = globex.id;
  await server.db.prisma.organizationMembership.create({
    data: { organizationId: globex.id, userId: acme.users.ada.id, roles: { create: { roleId: await acme.role("viewer") } } },
  });
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

describe("viewer", () => {
  it("shows the user and their organizations with roles and permissions, to an identity token", async () => {
    const data = ok(await caller(server, await identityToken(server, acme.users.ada.id))(VIEWER));
    expect(data.viewer.user).toEqual({ id: acme.users.ada.id, name: "Ada Acme" });
    expect(data.viewer.organizations.totalCount).toBe(2);
    expect(data.viewer.organizations.edges.map((edge: any) => edge.node)).toEqual([
      {
        id: acme.organization.id,
        name: "Acme",
        isMfaRequired: false,
        branding: { logoUrl: null },
        roles: [{ name: "admin" }],
        permissions: expect.arrayContaining(["manage:organization", "read:members"]),
      },
      { id: globexId, name: "Globex", isMfaRequired: true, branding: { logoUrl: null }, roles: [{ name: "viewer" }], permissions: ["read:organization"] },
    ]);
  });

  it("pages the organizations", async () => {
    const gql = caller(server, await identityToken(server, acme.users.ada.id));
    const first = ok(await gql(VIEWER, { first: 1 })).viewer.organizations;
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await gql(VIEWER, { first: 1, after: first.pageInfo.endCursor })).viewer.organizations;
    expect(rest.edges.map((edge: any) => edge.node.id)).toEqual([globexId]);
  });

  it("works with an organization token, showing every organization of the user", async () => {
    const data = ok(await caller(server, await organizationToken(server, acme.users.ada.id, acme.organization.id))(VIEWER));
    expect(data.viewer.organizations.totalCount).toBe(2);
  });

  it("works with a trusted identity provider's token, before any exchange", async () => {
    idp.accounts.set("newcomer", { email: "newcomer@example.test", emailVerified: true, name: "Newcomer" });
    const data = ok(await caller(server, await idp.signIn("newcomer"))(VIEWER));
    expect(data.viewer.user.name).toBe("Newcomer");
    expect(data.viewer.organizations.totalCount).toBe(0);
  });

  it("is empty for an application's token, and needs a token", async () => {
    const data = ok(await caller(server, await managementToken(server))(VIEWER));
    expect(data.viewer).toEqual({ user: null, organizations: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });
    const anonymous = await caller(server)(VIEWER);
    expect(anonymous.data).toEqual({ viewer: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lets the user pick an organization, then exchange a token for it", async () => {
    const identity = await identityToken(server, acme.users.ada.id);
    const data = ok(await caller(server, identity)(VIEWER));
    const picked = data.viewer.organizations.edges[0].node.id;
    const response = await requestToken(server, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: identity,
      subject_token_type: ACCESS_TOKEN_TYPE,
      organization_id: picked,
    });
    expect(response.body.scope?.split(" ")).toEqual(data.viewer.organizations.edges[0].node.permissions);
  });
});
