// Field-level authorization over HTTP: organization permissions count only in the token's own
// organization, management scopes everywhere, and `_entities` is held to the same rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { identityToken, managementToken, organizationToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let acme: { id: string };
let globex: { id: string };
let reader: string;
let writer: string;
let userId: string;

const ORGANIZATION = `query ($id: ID!) { organization(id: $id) { id name isMfaRequired branding { logoUrl } } }`;
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }`;

beforeAll(async () => {
  server = await startTestServer();
  const f = fixtures(server.db.prisma);
  acme = await server.db.prisma.organization.create({
    data: { name: "Acme", customData: { plan: "gold" }, brandingLogoUrl: "https://acme.test/logo.svg" },
  });
  globex = await f.organization({ name: "Globex" });
  const readerRole = await f.organizationRole({ permissions: ["read:organization"] });
  const otherRole = await f.organizationRole({ permissions: ["invite:members"] });
  const user = await f.user();
  const other = await f.user();
  userId = user.id;
  await f.member(acme.id, user.id, [readerRole.id]);
  await f.member(globex.id, user.id, [otherRole.id]);
  await f.member(acme.id, other.id, [otherRole.id]);
  reader = await organizationToken(server, user.id, acme.id);
  writer = await organizationToken(server, other.id, acme.id);
});
afterAll(() => server.close());

function codes(response: { errors?: { extensions?: Record<string, unknown>; path?: unknown[] }[] }) {
  return (response.errors ?? []).map((error) => ({ code: error.extensions?.code, path: error.path }));
}

describe("an organization permission", () => {
  it("allows its field for the token's own organization", async () => {
    const response = await server.graphql(ORGANIZATION, { variables: { id: acme.id }, token: reader });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      organization: { id: acme.id, name: "Acme", isMfaRequired: false, branding: { logoUrl: "https://acme.test/logo.svg" } },
    });
  });

  it("does not count for another organization, even one the user belongs to", async () => {
    const response = await server.graphql(ORGANIZATION, { variables: { id: globex.id }, token: reader });
    expect(response.data).toEqual({ organization: null });
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
  });

  it("is needed: a token of the same organization without it is refused", async () => {
    const response = await server.graphql(ORGANIZATION, { variables: { id: acme.id }, token: writer });
    expect(response.data).toEqual({ organization: null });
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
  });

  it("is not held by an identity-only token", async () => {
    const response = await server.graphql(ORGANIZATION, { variables: { id: acme.id }, token: await identityToken(server, userId) });
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
  });

  it("leaves the rest of the operation running when one field is refused", async () => {
    const response = await server.graphql<{ organization: Record<string, unknown> | null; serverInfo: unknown }>(
      `query ($id: ID!) { serverInfo { version } organization(id: $id) { name customData } }`,
      { variables: { id: acme.id }, token: reader },
    );
    expect(response.data?.serverInfo).toEqual({ version: expect.any(String) });
    expect(response.data?.organization).toEqual({ name: "Acme", customData: null });
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization", "customData"] }]);
  });
});

describe("a management scope", () => {
  it("counts in every organization", async () => {
    const token = await managementToken(server, "organizations:read");
    for (const id of [acme.id, globex.id]) {
      const response = await server.graphql<{ organization: { id: string } }>(ORGANIZATION, { variables: { id }, token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.organization.id).toBe(id);
    }
    const withCustomData = await server.graphql(`query ($id: ID!) { organization(id: $id) { customData } }`, {
      variables: { id: acme.id },
      token,
    });
    expect(withCustomData.data).toEqual({ organization: { customData: { plan: "gold" } } });
  });

  it("must be the right one", async () => {
    const response = await server.graphql(ORGANIZATION, { variables: { id: acme.id }, token: await managementToken(server, "users:read") });
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
  });
});

describe("no token", () => {
  it("reads public fields, and is UNAUTHENTICATED elsewhere", async () => {
    const response = await server.graphql(`query ($id: ID!) { serverInfo { version } organization(id: $id) { id } }`, {
      variables: { id: acme.id },
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ serverInfo: { version: expect.any(String) }, organization: null });
    expect(codes(response)).toEqual([{ code: "UNAUTHENTICATED", path: ["organization"] }]);
  });
});

describe("an invalid token", () => {
  async function post(token: string) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ serverInfo { version } }" }),
    });
    return { status: response.status, header: response.headers.get("www-authenticate"), body: (await response.json()) as never };
  }

  it.each([
    ["garbage", () => Promise.resolve("garbage"), "not a well-formed JWT"],
    ["expired", () => server.services.tokens.sign({ sub: "u", aud: "urn:gatehouse:identity", client_id: "c", scope: "" }, -120), "expired"],
    [
      "for another API",
      () => server.services.tokens.sign({ sub: "u", aud: "https://billing.example.test", client_id: "c", scope: "x" }, 60),
      "audience is not accepted by the GraphQL API",
    ],
  ])("fails the whole request with 401: %s", async (_case, token, reason) => {
    const response = await post(await token());
    expect(response.status).toBe(401);
    expect(response.header).toContain('Bearer error="invalid_token"');
    expect(response.body).toEqual({ errors: [{ message: `Invalid token: ${reason}.`, extensions: { code: "UNAUTHENTICATED" } }] });
  });
});

describe("_entities", () => {
  const representations = () => [{ __typename: "Organization", id: acme.id }];

  it("resolves the entity for its own organization and for management", async () => {
    for (const token of [reader, await managementToken(server, "organizations:read")]) {
      const response = await server.graphql(ENTITIES, { variables: { r: representations() }, token });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ _entities: [{ id: acme.id, name: "Acme" }] });
    }
  });

  it("returns nothing of the entity to a foreign token or none", async () => {
    const foreign = await organizationToken(server, userId, globex.id);
    for (const token of [foreign, undefined]) {
      const response = await server.graphql(ENTITIES, { variables: { r: representations() }, ...(token ? { token } : {}) });
      expect(response.data).toEqual({ _entities: [null] });
      expect(JSON.stringify(response)).not.toContain("Acme");
      expect(codes(response)[0]?.code).toBe(token ? "FORBIDDEN" : "UNAUTHENTICATED");
    }
  });

  it("refuses an object its type's rule does not allow once, at the object, naming the type and what its rule requires", async () => {
    const foreign = await organizationToken(server, userId, globex.id);
    const response = await server.graphql(ENTITIES, { variables: { r: representations() }, token: foreign });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({
      message: "Not authorized to read this Organization.",
      path: ["_entities", 0],
      extensions: {
        code: "FORBIDDEN",
        required: { managementScopes: ["all", "organizations:read"], organizationPermissions: ["read:organization"], organizationBound: true },
      },
    });
  });
});

describe("with GATEHOUSE_REJECT_UNAUTHORIZED", () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ env: { GATEHOUSE_REJECT_UNAUTHORIZED: "true" } });
  });
  afterAll(() => strict.close());

  it("refuses the whole operation before running it when the token lacks a field's scopes", async () => {
    const response = await strict.graphql(`{ serverInfo { version } organization(id: "x") { id } }`, {
      token: await identityToken(strict, (await fixtures(strict.db.prisma).user()).id),
    });
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => error.message)).toEqual([
      "Not authorized to read Query.organization; the operation was not run.",
      "Not authorized to read Organization.id; the operation was not run.",
    ]);
    expect(new Set(codes(response).map((error) => error.code))).toEqual(new Set(["FORBIDDEN"]));
  });

  it("refuses the whole result when a field turns out to belong to another organization", async () => {
    const f = fixtures(strict.db.prisma);
    const [mine, theirs] = [await f.organization(), await f.organization()];
    const user = await f.user();
    await f.member(mine.id, user.id, [(await f.organizationRole({ permissions: ["read:organization"] })).id]);
    const token = await organizationToken(strict, user.id, mine.id);
    const response = await strict.graphql(`query ($id: ID!) { serverInfo { version } organization(id: $id) { id } }`, {
      variables: { id: theirs.id },
      token,
    });
    expect(response.data).toBeNull();
    expect(codes(response)).toEqual([{ code: "FORBIDDEN", path: ["organization"] }]);
  });
});
