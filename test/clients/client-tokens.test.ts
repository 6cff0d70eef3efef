// @gatehouse/client against a real Gatehouse: a frontend exchanges its user's sign-in token for
// organization tokens (and organization-level API tokens), cached, shared and renewed.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseTokenError, GatehouseTokens, fetchWithToken } from "../../packages/client/src/index.js";
import { type Caller, admin, ok } from "../support/graphql.js";
import { identityToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let gql: Caller;
let acme: Awaited<ReturnType<typeof organizationOfMembers>>;
let globex: Awaited<ReturnType<typeof organizationOfMembers>>;
const BILLING = "https://billing.example.test";

beforeAll(async () => {
  server = await startTestServer();
  gql = await admin(server);
  acme = await organizationOfMembers(server, "Acme");
  globex = await organizationOfMembers(server, "Globex");
  // Ada of Acme joins Globex as a viewer; Acme's admin role holds an API permission of Billing.
  await server.db.prisma.organizationMembership.create({ data: { organizationId: globex.organization.id, userId: acme.users.ada.id } });
  await server.db.prisma.organizationUserRole.create({
    data: { organizationId: globex.organization.id, userId: acme.users.ada.id, roleId: await globex.role("viewer") },
  });
  const resource = ok(
    await gql<{ createApiResource: { id: string } }>(`mutation ($input: CreateApiResourceInput!) { createApiResource(input: $input) { id } }`, {
      input: { name: "Billing", indicator: BILLING },
    }),
  ).createApiResource;
  const scope = ok(
    await gql<{ createResourceScope: { id: string } }>(`mutation ($input: CreateResourceScopeInput!) { createResourceScope(input: $input) { id } }`, {
      input: { resourceId: resource.id, name: "read:invoices" },
    }),
  ).createResourceScope;
  ok(
    await gql(`mutation ($input: OrganizationRolePermissionsInput!) { addOrganizationRolePermissions(input: $input) { id } }`, {
      input: { roleId: await acme.role("admin"), resourceScopeIds: [scope.id] },
    }),
  );
});
afterAll(() => server.close());

/** A fetch that counts the token endpoint's calls. */
function countingFetch() {
  const calls: URLSearchParams[] = [];
  const counted: typeof fetch = async (input, init) => {
    if (String(input).endsWith("/oauth/token")) calls.push(new URLSearchParams(String(init?.body)));
    return fetch(input, init);
  };
  return { calls, fetch: counted };
}

function tokensFor(user: { id: string }, options: { now?: () => number; fetch?: typeof fetch } = {}) {
  return new GatehouseTokens({ url: server.url, subjectToken: () => identityToken(server, user.id), ...options });
}

describe("GatehouseTokens", () => {
  it("exchanges the sign-in token for an organization token, and caches it per organization", async () => {
    const counter = countingFetch();
    const tokens = tokensFor(acme.users.ada, { fetch: counter.fetch });
    const first = await tokens.organizationToken(acme.organization.id);
    expect(decodeJwt(first)).toMatchObject({ organization_id: acme.organization.id, sub: acme.users.ada.id });
    expect(await tokens.organizationToken(acme.organization.id)).toBe(first);
    expect(counter.calls).toHaveLength(1);
    expect(counter.calls[0]!.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:token-exchange");

    const other = await tokens.organizationToken(globex.organization.id);
    expect(decodeJwt(other)).toMatchObject({ organization_id: globex.organization.id });
    expect(counter.calls).toHaveLength(2);
  });

  it("gives organization-level API tokens per resource, with the resource's permissions", async () => {
    const tokens = tokensFor(acme.users.ada);
    const api = await tokens.token({ organizationId: acme.organization.id, resource: BILLING });
    expect(decodeJwt(api.accessToken)).toMatchObject({ aud: BILLING, organization_id: acme.organization.id, scope: "read:invoices" });
    expect(api.scopes).toEqual(["read:invoices"]);
    const organizationToken = await tokens.token({ organizationId: acme.organization.id });
    expect(organizationToken.accessToken).not.toBe(api.accessToken);
  });

  it("shares one request among concurrent callers", async () => {
    const counter = countingFetch();
    const tokens = tokensFor(acme.users.grace, { fetch: counter.fetch });
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens.organizationToken(acme.organization.id)));
    expect(new Set(all).size).toBe(1);
    expect(counter.calls).toHaveLength(1);
  });

  it("renews a token before it expires, not after", async () => {
    let now = Date.now();
    const counter = countingFetch();
    const tokens = new GatehouseTokens({
      url: server.url,
      subjectToken: () => identityToken(server, acme.users.grace.id),
      fetch: counter.fetch,
      now: () => now,
      renewBeforeSeconds: 60,
    });
    const first = await tokens.token({ organizationId: acme.organization.id });
    now = first.expiresAt - 61_000;
    expect((await tokens.token({ organizationId: acme.organization.id })).accessToken).toBe(first.accessToken);
    expect(counter.calls).toHaveLength(1);
    now = first.expiresAt - 59_000;
    await tokens.token({ organizationId: acme.organization.id });
    expect(counter.calls).toHaveLength(2);
  });

  it("reports the token endpoint's refusal with its OAuth error, and does not cache it", async () => {
    const counter = countingFetch();
    const tokens = tokensFor(acme.users.grace, { fetch: counter.fetch });
    const refusal = await tokens.organizationToken(globex.organization.id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatehouseTokenError);
    expect(refusal).toMatchObject({ error: "access_denied", status: 400 });
    await tokens.organizationToken(globex.organization.id).catch(() => undefined);
    expect(counter.calls).toHaveLength(2);
  });

  it("forgets tokens on invalidate (one, or all at sign-out)", async () => {
    const counter = countingFetch();
    const tokens = tokensFor(acme.users.ada, { fetch: counter.fetch });
    await tokens.organizationToken(acme.organization.id);
    await tokens.organizationToken(globex.organization.id);
    tokens.invalidate({ organizationId: acme.organization.id });
    await tokens.organizationToken(acme.organization.id);
    await tokens.organizationToken(globex.organization.id);
    expect(counter.calls).toHaveLength(3);
    tokens.invalidate();
    expect(tokens.peek({ organizationId: globex.organization.id })).toBeUndefined();
  });
  it("gets tokens from another endpoint that answers like the token endpoint (the development token path), cached and shared alike", async () => {
    let calls = 0;
    let secret = server.development!.secret;
    const tokens = new GatehouseTokens({
      url: server.url,
      requestToken: () => {
        calls += 1;
        return fetch(`${server.url}/dev/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-gatehouse-dev-secret": secret },
          body: JSON.stringify({ kind: "management" }),
        });
      },
    });
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.token({ resource: "urn:gatehouse:management" })));
    expect(new Set(all.map((token) => token.accessToken)).size).toBe(1);
    expect(calls).toBe(1);
    expect(all[0]!.scopes).toContain("all");
    expect(decodeJwt(all[0]!.accessToken).aud).toBe("urn:gatehouse:management");

    secret = "wrong";
    tokens.invalidate();
    const refusal = await tokens.token({ resource: "urn:gatehouse:management" }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatehouseTokenError);
    expect(refusal).toMatchObject({ error: "access_denied", status: 403 });
  });

  it("needs exactly one source of tokens", () => {
    expect(() => new GatehouseTokens({ url: server.url })).toThrow(TypeError);
    expect(() => new GatehouseTokens({ url: server.url, subjectToken: () => "t", requestToken: () => fetch(server.url) })).toThrow(TypeError);
  });
});

describe("fetchWithToken", () => {
  const ORGANIZATION = `query ($id: ID!) { organization(id: $id) { name } }`;
  const post = (id: string) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: ORGANIZATION, variables: { id } }),
  });

  it("sends the current organization's token, switching with it", async () => {
    let current = acme.organization.id;
    const call = fetchWithToken(tokensFor(acme.users.ada), () => ({ organizationId: current }));
    const first = (await (await call(`${server.url}/graphql`, post(current))).json()) as { data: { organization: { name: string } } };
    expect(first.data.organization.name).toBe("Acme");
    current = globex.organization.id;
    const second = (await (await call(`${server.url}/graphql`, post(current))).json()) as { data: { organization: { name: string } } };
    expect(second.data.organization.name).toBe("Globex");
  });

  it("retries once with a fresh token when the API answers 401", async () => {
    const counter = countingFetch();
    const tokens = tokensFor(acme.users.ada, { fetch: counter.fetch });
    const seen: string[] = [];
    let refuseNext = true;
    const api: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get("authorization")!);
      if (refuseNext) {
        refuseNext = false;
        return new Response(null, { status: 401 });
      }
      return fetch(input, init);
    };
    const call = fetchWithToken(tokens, { organizationId: acme.organization.id }, { fetch: api });
    const response = await call(`${server.url}/graphql`, post(acme.organization.id));
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    expect(counter.calls).toHaveLength(2);
  });
});
