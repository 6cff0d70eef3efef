// The urql integration of @gatehouse/client: an organization switcher on `viewer { organizations }`.
import { Client, fetchExchange, gql } from "@urql/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseTokens } from "../../packages/client/src/index.js";
import { gatehouseAuthExchange } from "../../packages/client/src/urql.js";
import { identityToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ORGANIZATIONS = gql`
  query { viewer { organizations(first: 20) { edges { node { id name } } } } }
`;
const ORGANIZATION = gql`
  query ($id: ID!) { organization(id: $id) { id name } }
`;

describe("gatehouseAuthExchange", () => {
  it("lists the viewer's organizations with the sign-in token, then queries each with its organization token", async () => {
    const acme = await organizationOfMembers(server, "Acme");
    const globex = await organizationOfMembers(server, "Globex");
    const ada = acme.users.ada;
    await server.db.prisma.organizationMembership.create({ data: { organizationId: globex.organization.id, userId: ada.id } });
    await server.db.prisma.organizationUserRole.create({
      data: { organizationId: globex.organization.id, userId: ada.id, roleId: await globex.role("viewer") },
    });

    const signIn = await identityToken(server, ada.id);
    const tokens = new GatehouseTokens({ url: server.url, subjectToken: () => signIn });
    let selected: string | null = null;
    const client = new Client({
      url: `${server.url}/graphql`,
      exchanges: [gatehouseAuthExchange(tokens, { request: () => (selected ? { organizationId: selected } : null) }), fetchExchange],
      // Without an organization selected, the viewer query goes with the sign-in token itself.
      fetchOptions: () => (selected ? {} : { headers: { authorization: `Bearer ${signIn}` } }),
      requestPolicy: "network-only",
    });

    const listed = await client.query(ORGANIZATIONS, {}).toPromise();
    expect(listed.error).toBeUndefined();
    const organizations = listed.data.viewer.organizations.edges.map((edge: { node: { id: string; name: string } }) => edge.node);
    expect(organizations.map((organization: { name: string }) => organization.name).sort()).toEqual(["Acme", "Globex"]);

    for (const organization of organizations) {
      selected = organization.id;
      const result = await client.query(ORGANIZATION, { id: organization.id }).toPromise();
      expect(result.error).toBeUndefined();
      expect(result.data.organization).toEqual(organization);
    }
    // Each organization's token was minted once and is cached for the next operations.
    expect(tokens.peek({ organizationId: acme.organization.id })).toBeDefined();
    expect(tokens.peek({ organizationId: globex.organization.id })).toBeDefined();

    // Another organization's data stays out of reach of the selected organization's token.
    selected = acme.organization.id;
    const crossed = await client.query(ORGANIZATION, { id: globex.organization.id }).toPromise();
    expect(crossed.data?.organization ?? null).toBeNull();
  });
});
