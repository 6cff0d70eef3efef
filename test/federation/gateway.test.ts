// Through a real gateway: Hive Gateway composes Gatehouse with a billing subgraph that extends
// Organization, and forwards the caller's organization token. Two layers refuse what the token
// does not allow: the gateway itself (enforcing @requiresScopes) and, always, Gatehouse.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { composeSupergraph } from "../../scripts/compose-supergraph.js";
import { type BillingSubgraph, BILLING_SDL, startBillingSubgraph } from "../support/billing-subgraph.js";
import { fixtures } from "../support/fixtures.js";
import { startGateway, type TestGateway } from "../support/gateway.js";
import { managementToken, organizationToken } from "../support/oauth.js";
import { type GraphQLResponse, startTestServer, type TestServer } from "../support/server.js";
import { subscribe } from "../support/subscriptions.js";

let gatehouse: TestServer;
let billing: BillingSubgraph;
let enforcing: TestGateway;
let passThrough: TestGateway;
let acme: { id: string };
let globex: { id: string };
let acmeReader: string;

beforeAll(async () => {
  gatehouse = await startTestServer();
  const f = fixtures(gatehouse.db.prisma);
  acme = await f.organization({ name: "Acme" });
  globex = await f.organization({ name: "Globex" });
  const reader = await f.user();
  await f.member(acme.id, reader.id, [(await f.organizationRole({ permissions: ["read:organization"] })).id]);
  acmeReader = await organizationToken(gatehouse, reader.id, acme.id);

  billing = await startBillingSubgraph({ plans: { [acme.id]: "enterprise" }, biggestCustomerId: acme.id });
  // Composed from what the running subgraphs serve, as IntrospectAndCompose or `rover` would.
  const supergraph = composeSupergraph([
    { name: "gatehouse", url: `${gatehouse.url}/graphql`, sdl: await serviceSdl(`${gatehouse.url}/graphql`) },
    { name: "billing", url: billing.url, sdl: await serviceSdl(billing.url) },
  ]).sdl;
  const issuer = gatehouse.services.issuer();
  [enforcing, passThrough] = await Promise.all([
    startGateway({ supergraph, enforceScopesFor: { issuer, jwksUrl: `${gatehouse.url}/oauth/jwks` } }),
    startGateway({ supergraph }),
  ]);
});
afterAll(async () => {
  await Promise.all([enforcing?.close(), passThrough?.close()]);
  await Promise.all([billing?.close(), gatehouse?.close()]);
});

async function serviceSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  return ((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
}

function errors(response: GraphQLResponse) {
  return (response.errors ?? []).map((error) => ({ code: error.extensions?.code, path: error.path }));
}

/** What the gateway asked each subgraph, as `subgraph: document` lines. */
function asked(gateway: TestGateway): string {
  return gateway.subgraphOperations.map(({ subgraph, document }) => `${subgraph}: ${document.replace(/\s+/g, " ")}`).join("\n");
}

const ORGANIZATION_WITH_PLAN = `query ($id: ID!) { organization(id: $id) { id name plan } }`;

describe.each([
  ["with the gateway enforcing scopes", () => enforcing],
  ["with the gateway passing everything through", () => passThrough],
])("a query across both subgraphs, %s", (_name, gateway) => {
  it("joins Gatehouse's organization with billing's plan, for the organization token", async () => {
    const response = await gateway().graphql(ORGANIZATION_WITH_PLAN, { variables: { id: acme.id }, token: acmeReader });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ organization: { id: acme.id, name: "Acme", plan: "enterprise" } });
  });

  it("resolves an organization that billing names through Gatehouse's _entities, with the token forwarded", async () => {
    gateway().subgraphOperations.length = 0;
    const response = await gateway().graphql("{ biggestCustomer { plan name } }", { token: acmeReader });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ biggestCustomer: { plan: "enterprise", name: "Acme" } });
    expect(asked(gateway())).toMatch(/^gatehouse: query \(\$representations: \[_Any!\]!\) \{ _entities/m);
  });

  it("is refused by Gatehouse for another organization: only Gatehouse knows which organization a scope is for", async () => {
    const response = await gateway().graphql(ORGANIZATION_WITH_PLAN, { variables: { id: globex.id }, token: acmeReader });
    expect(response.data).toEqual({ organization: null });
    expect(errors(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
    expect(response.errors?.[0]?.extensions?.serviceName).toBe("gatehouse");
  });
});

describe("a field the organization token does not allow (customData needs a management scope)", () => {
  const query = `query ($id: ID!) { organization(id: $id) { name plan customData } }`;

  it("is refused by the gateway when it enforces scopes, and never requested from Gatehouse", async () => {
    enforcing.subgraphOperations.length = 0;
    const response = await enforcing.graphql(query, { variables: { id: acme.id }, token: acmeReader });
    expect(response.data).toEqual({ organization: { name: "Acme", plan: "enterprise", customData: null } });
    expect(errors(response)).toEqual([{ code: "UNAUTHORIZED_FIELD_OR_TYPE", path: ["organization", "customData"] }]);
    expect(asked(enforcing)).toContain("gatehouse: query ($id: ID!) { organization(id: $id) {");
    expect(asked(enforcing)).not.toContain("customData");
  });

  it("is refused by Gatehouse itself when the gateway passes it through", async () => {
    passThrough.subgraphOperations.length = 0;
    const response = await passThrough.graphql(query, { variables: { id: acme.id }, token: acmeReader });
    expect(asked(passThrough)).toContain("customData");
    expect(response.data).toEqual({ organization: { name: "Acme", plan: "enterprise", customData: null } });
    expect(errors(response)).toEqual([{ code: "FORBIDDEN", path: ["organization", "customData"] }]);
    expect(response.errors?.[0]?.extensions?.serviceName).toBe("gatehouse");
  });
});

describe("no token", () => {
  const query = "{ serverInfo { version } biggestCustomer { plan name } }";

  it("is refused every Organization field by the gateway enforcing scopes, billing's plan included", async () => {
    const response = await enforcing.graphql<{ serverInfo: unknown }>(query);
    expect(response.data?.serverInfo).toEqual({ version: expect.any(String) });
    // Organization's type-level @requiresScopes holds for every field of the supergraph's type.
    expect(errors(response)).toEqual([
      { code: "UNAUTHORIZED_FIELD_OR_TYPE", path: ["biggestCustomer", "plan"] },
      { code: "UNAUTHORIZED_FIELD_OR_TYPE", path: ["biggestCustomer", "name"] },
    ]);
  });

  it("is refused Gatehouse's fields by Gatehouse when the gateway passes it through", async () => {
    const response = await passThrough.graphql(query);
    expect(response.data).toEqual({ serverInfo: { version: expect.any(String) }, biggestCustomer: null });
    expect(errors(response)).toEqual([{ code: "UNAUTHENTICATED", path: ["biggestCustomer", "name"] }]);
  });
});

describe.each([
  ["enforcing scopes", () => enforcing],
  ["passing everything through", () => passThrough],
])("a subscription through the gateway %s", (_name, gateway) => {
  it("streams the organization's changes from Gatehouse over SSE, each joined with billing's plan", async () => {
    const subscription = await subscribe(
      gatehouse,
      `subscription ($id: ID!) { organizationChanged(organizationId: $id) { action organization { name plan } } }`,
      { variables: { id: acme.id }, token: acmeReader, through: gateway().url },
    );
    const description = `changed ${Date.now()}`;
    const update = await gatehouse.graphql(`mutation ($id: ID!, $d: String!) { updateOrganization(input: { id: $id, description: $d }) { id } }`, {
      variables: { id: acme.id, d: description },
      token: await managementToken(gatehouse, "organizations:read organizations:write"),
    });
    expect(update.errors).toBeUndefined();
    const [result] = await subscription.received(1);
    expect(result).toEqual({ data: { organizationChanged: { action: "organization.updated", organization: { name: "Acme", plan: "enterprise" } } } });
    await subscription.close();
    // The gateway closes its stream from Gatehouse when its client goes.
    await vi.waitFor(() => expect(gatehouse.changes.subscribers).toBe(0));
  });
});
