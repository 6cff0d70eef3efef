// A frontend's GraphQL client against Gatehouse: urql (@urql/core, with its document cache, as a
// single-page app sets it up) sending the member's organization token, for queries and for
// subscriptions (over SSE, with `fetchSubscriptions`).
import { cacheExchange, Client, fetchExchange } from "@urql/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { managementToken, organizationToken } from "../support/oauth.js";
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
    // Subscriptions over the same fetch transport (SSE), no WebSocket.
    fetchSubscriptions: true,
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

  it("runs a document with @include and @skip, as client documents commonly carry", async () => {
    const query = `query Organization($id: ID!, $withBranding: Boolean!, $brief: Boolean!) {
      organization(id: $id) { id name @skip(if: $brief) branding @include(if: $withBranding) { logoUrl } }
    }`;
    const full = await client(token).query(query, { id: acme.id, withBranding: true, brief: false }).toPromise();
    expect(full.error).toBeUndefined();
    expect(full.data).toEqual({
      organization: {
        __typename: "Organization",
        id: acme.id,
        name: "Acme",
        branding: { __typename: "OrganizationBranding", logoUrl: "https://acme.test/logo.svg" },
      },
    });
    const brief = await client(token).query(query, { id: acme.id, withBranding: false, brief: true }).toPromise();
    expect(brief.error).toBeUndefined();
    expect(brief.data).toEqual({ organization: { __typename: "Organization", id: acme.id } });
  });

  it("sees an invalid token as UNAUTHENTICATED, with nothing run", async () => {
    const result = await client("not-a-token").query(ORGANIZATION, { id: acme.id }).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.response?.status).toBe(401);
    expect(result.error?.graphQLErrors.map((error) => error.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("urql subscriptions", () => {
  it("follow the organization's changes over SSE, and release the server's stream on unsubscribe", async () => {
    const received: unknown[] = [];
    const { unsubscribe } = client(token)
      .subscription(`subscription Changes($id: ID!) { organizationChanged(organizationId: $id) { action organization { name } } }`, { id: acme.id })
      .subscribe((result) => received.push(result.error ?? result.data));
    await vi.waitFor(() => expect(server.changes.subscribers).toBe(1));

    const renamed = await server.graphql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, name: "Acme Inc" }) { id } }`, {
      variables: { id: acme.id },
      token: await managementToken(server, "organizations:read organizations:write"),
    });
    expect(renamed.errors).toBeUndefined();
    await vi.waitFor(() => expect(received).toHaveLength(1));
    // The document cache adds __typename to queries only; subscriptions arrive as selected.
    expect(received[0]).toEqual({ organizationChanged: { action: "organization.updated", organization: { name: "Acme Inc" } } });

    unsubscribe();
    await vi.waitFor(() => expect(server.changes.subscribers).toBe(0));
  });
});
