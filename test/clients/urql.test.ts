// A frontend's GraphQL client against Gatehouse: urql (@urql/core, with its document cache, as a
// single-page app sets it up) sending the member's organization token.
import { cacheExchange, Client, fetchExchange } from "@urql/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { organizationToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let acme: { id: string };
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const f = fixtures(server.db.prisma);
  acme = await server.db.prisma.organization.create({
    data: { name: "Acme", brandingLogoUrl: "https://acme.test/logo.svg", customData: { plan: "gold" } },
  });
  const user = await f.user();
  await f.member(acme.id, user.id, [(await f.organizationRole({ permissions: ["read:organization"] })).id]);
  token = await organizationToken(server, user.id, acme.id);
});
afterAll(() => server.close());

function client(bearer: string): Client {
  return new Client({
    url: `${server.url}/graphql`,
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${bearer}` } }),
  });
}

const ORGANIZATION = `query Organization($id: ID!) { organization(id: $id) { id name branding { logoUrl } } }`;

describe("urql with an organization token", () => {
  it("reads the token's organization", async () => {
    const result = await client(token).query(ORGANIZATION, { id: acme.id }).toPromise();
    expect(result.error).toBeUndefined();
    // urql adds __typename to every selection for its cache.
    expect(result.data).toEqual({
      organization: {
        __typename: "Organization",
        id: acme.id,
        name: "Acme",
        branding: { __typename: "OrganizationBranding", logoUrl: "https://acme.test/logo.svg" },
      },
    });
  });

  it("gets the allowed fields and a FORBIDDEN error for the refused one", async () => {
    const result = await client(token)
      .query(`query Organization($id: ID!) { organization(id: $id) { name customData } }`, { id: acme.id })
      .toPromise();
    expect(result.data).toEqual({ organization: { __typename: "Organization", name: "Acme", customData: null } });
    expect(result.error?.networkError).toBeUndefined();
    expect(result.error?.graphQLErrors.map((error) => ({ path: error.path, code: error.extensions.code }))).toEqual([
      { path: ["organization", "customData"], code: "FORBIDDEN" },
    ]);
    expect(result.error?.message).toBe("[GraphQL] Not authorized to read Organization.customData.");
  });

  it("sees an invalid token as UNAUTHENTICATED, with nothing run", async () => {
    const result = await client("not-a-token").query(ORGANIZATION, { id: acme.id }).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.response?.status).toBe(401);
    expect(result.error?.graphQLErrors.map((error) => error.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
