// The GraphQL endpoint's hardening: operation limits (depth, aliases, tokens, cost) in every mode;
// in production no GraphiQL, no introspection and no field suggestions; unexpected errors masked.
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { managementToken } from "../support/oauth.js";
import { type GraphQLResponse, startTestServer, type TestServer } from "../support/server.js";

const PRODUCTION = {
  GATEHOUSE_MODE: "production",
  GATEHOUSE_ISSUER: "https://gatehouse.example.test",
  GATEHOUSE_SECRET: "a-production-secret-of-at-least-32-characters",
};

let development: TestServer;
let tight: TestServer;
let production: TestServer;

beforeAll(async () => {
  [development, tight, production] = await Promise.all([
    startTestServer(),
    startTestServer({ env: { GATEHOUSE_MAX_DEPTH: "2", GATEHOUSE_MAX_COST: "5" } }),
    startTestServer({ env: PRODUCTION }),
  ]);
});
afterAll(() => Promise.all([development, tight, production].map((server) => server.close())));

function limitErrors(response: GraphQLResponse) {
  return (response.errors ?? []).map((error) => ({
    code: error.extensions?.code,
    limit: (error.extensions?.details as { limit?: string } | undefined)?.limit,
  }));
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: serverInfo { version }`).join(" ")} }`;

describe("operation limits", () => {
  it("refuse more aliases than allowed (30 by default), before anything runs", async () => {
    expect((await development.graphql(aliases(30))).errors).toBeUndefined();
    const response = await development.graphql(aliases(31));
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      {
        message: "Aliases limit of 30 exceeded, found 31.",
        extensions: { code: "QUERY_LIMIT_EXCEEDED", details: { limit: "aliases" } },
      },
    ]);
  });

  it("stop parsing a document with more tokens than allowed (2000 by default)", async () => {
    // 12 tokens, and 8 per inline representation: 1996 tokens for 248, 2004 for 249.
    const document = (n: number) =>
      `{ _entities(representations: [${'{ __typename: "Organization" id: "none" } '.repeat(n)}]) { __typename } }`;
    expect((await development.graphql(document(248))).errors).toBeUndefined();
    const response = await development.graphql(document(249));
    expect(response.status).toBe(400);
    expect(response.errors).toEqual([
      { message: "Token limit of 2000 exceeded.", extensions: { code: "QUERY_LIMIT_EXCEEDED", details: { limit: "tokens" } } },
    ]);
  });

  it("refuse operations nested deeper than allowed, counting fragments as what they select", async () => {
    expect((await tight.graphql("{ serverInfo { version } }")).errors).toBeUndefined();
    const entities = await tight.graphql(
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { ...names } } } fragment names on Organization { id }",
      { variables: { r: [] } },
    );
    expect(entities.errors).toBeUndefined();
    const response = await tight.graphql(`{ organization(id: "x") { branding { logoUrl } } }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toBe("Query depth limit of 2 exceeded, found 3.");
    expect(limitErrors(response)).toEqual([{ code: "QUERY_LIMIT_EXCEEDED", limit: "depth" }]);
  });

  it("refuse operations that cost more than allowed: one per field (test/graphql/cost.test.ts has the rest)", async () => {
    expect((await tight.graphql(aliases(2))).errors).toBeUndefined();
    const response = await tight.graphql(aliases(3));
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toBe("The operation's cost, 6, is over the limit of 5.");
    expect(limitErrors(response)).toEqual([{ code: "QUERY_LIMIT_EXCEEDED", limit: "cost" }]);
  });

  it("leave room for GraphiQL's introspection and for a router's _entities with many representations", async () => {
    const introspection = await development.graphql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }));
    expect(introspection.errors).toBeUndefined();
    const representations = Array.from({ length: 500 }, (_, i) => ({ __typename: "Organization", id: `missing-${i}` }));
    const entities = await development.graphql<{ _entities: unknown[] }>(
      "query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Organization { id name branding { logoUrl } } } }",
      { variables: { r: representations }, token: await managementToken(development, "organizations:read") },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data?._entities).toHaveLength(500);
  });
});

describe("production mode", () => {
  it("serves no GraphiQL page", async () => {
    const page = (server: TestServer) => fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    const developmentPage = await page(development);
    expect(developmentPage.headers.get("content-type")).toContain("text/html");
    await developmentPage.body?.cancel();
    const productionPage = await page(production);
    expect(productionPage.status).toBe(406);
    expect(await productionPage.text()).not.toContain("<html");
  });

  it("refuses introspection, but answers __typename and the federation SDL", async () => {
    for (const query of ["{ __schema { queryType { name } } }", `{ __type(name: "Organization") { name } }`]) {
      const response = await production.graphql(query);
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.message).toMatch(/^GraphQL introspection has been disabled/);
      expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
    const allowed = await production.graphql<{ __typename: string; _service: { sdl: string } }>("{ __typename _service { sdl } }");
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?._service.sdl).toContain("@requiresScopes");
  });

  it("does not suggest field names", async () => {
    const query = "{ serverInfo { versio } }";
    expect((await development.graphql(query)).errors?.[0]?.message).toContain('Did you mean "version"?');
    const response = await production.graphql(query);
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'Cannot query field "versio" on type "ServerInfo".',
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  it("keeps the operation limits", async () => {
    expect(limitErrors(await production.graphql(aliases(31)))[0]).toEqual({ code: "QUERY_LIMIT_EXCEEDED", limit: "aliases" });
  });

  it("masks unexpected errors: a code and no detail", async () => {
    const organization = await fixtures(production.db.prisma).organization();
    const token = await managementToken(production, "organizations:read");
    // A broken database is the unexpected error: the column the resolver reads is gone.
    await production.db.prisma.$executeRawUnsafe(`ALTER TABLE organizations RENAME COLUMN name TO renamed`);
    try {
      const response = await production.graphql(`query ($id: ID!) { serverInfo { version } organization(id: $id) { name } }`, {
        variables: { id: organization.id },
        token,
      });
      expect(response.data).toEqual({ serverInfo: { version: expect.any(String) }, organization: null });
      expect(response.errors).toEqual([
        { message: "Unexpected error.", path: ["organization"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      ]);
    } finally {
      await production.db.prisma.$executeRawUnsafe(`ALTER TABLE organizations RENAME COLUMN renamed TO name`);
    }
  });
});
