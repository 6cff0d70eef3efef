// The error contract: every GraphQL error has a documented `extensions.code`; the HTTP status of
// each kind of failure, for each `Accept` value, is the one the README's table gives; the database
// being unavailable is SERVICE_UNAVAILABLE (503 with Retry-After when nothing could run), not a bug.
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../../src/errors.js";
import { testBackend, testPostgresUrl } from "../support/env.js";
import { useGatehouse } from "../support/gatehouse.js";
import { refused } from "../support/graphql.js";
import { fixtures } from "../support/fixtures.js";
import { adminClient, managementToken, organizationToken, requestToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

const gatehouse = useGatehouse();
const gql = gatehouse.admin;

describe("connection arguments", () => {
  it.each([
    ["{ organizations(first: -1) { totalCount } }", "first", 'Argument "first" must be a non-negative integer'],
    ["{ organizations(last: -2) { totalCount } }", "last", 'Argument "last" must be a non-negative integer'],
    ['{ organizations(first: 2, before: "x", after: "y") { totalCount } }', "before", 'Arguments "before" and "after" are not supported at the same time'],
    ['{ organizations(after: "not-a-cursor") { totalCount } }', "after", 'Argument "after" is not a cursor of this connection.'],
    ['{ organizations(before: "bm90IGEgY3Vyc29y", last: 2) { totalCount } }', "before", 'Argument "before" is not a cursor of this connection.'],
    ['{ users(after: "eyJ4IjoxfQ") { totalCount } }', "after", 'Argument "after" is not a cursor of this connection.'],
  ])("%s is BAD_USER_INPUT naming %s", async (query, field, message) => {
    const error = refused(await gql(query), "BAD_USER_INPUT", field);
    expect(error.message).toBe(message);
  });

  it("names the cursor argument given through a variable, without repeating the cursor", async () => {
    const response = await gql("query ($c: String) { organizations(after: $c) { totalCount } }", { c: "secret-looking-value" });
    const error = refused(response, "BAD_USER_INPUT", "after");
    expect(JSON.stringify(response)).not.toContain("secret-looking-value");
    expect(error.path).toEqual(["organizations"]);
  });
});

describe("HTTP status for each Accept value", () => {
  const ACCEPTS = ["application/graphql-response+json", "application/json", "*/*", undefined] as const;
  type Row = { name: string; body: string; statuses: [number, number, number, number]; code?: string };
  const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
  const rows: Row[] = [
    { name: "success", body: json("{ serverInfo { version } }"), statuses: [200, 200, 200, 200] },
    { name: "field error (no token)", body: json("{ organizations { totalCount } }"), statuses: [200, 200, 200, 200], code: "UNAUTHENTICATED" },
    { name: "body not JSON", body: '{"query":', statuses: [400, 200, 200, 200], code: "BAD_REQUEST" },
    { name: "no query", body: "{}", statuses: [400, 200, 200, 200], code: "BAD_REQUEST" },
    { name: "syntax error", body: json("{ serverInfo { "), statuses: [400, 200, 200, 200], code: "GRAPHQL_PARSE_FAILED" },
    { name: "validation error", body: json("{ nope }"), statuses: [400, 200, 200, 200], code: "GRAPHQL_VALIDATION_FAILED" },
    { name: "limit", body: json(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: serverInfo { version }`).join(" ")} }`), statuses: [400, 200, 200, 200], code: "QUERY_LIMIT_EXCEEDED" },
    { name: "input bound", body: json('{ organization(id: "a\\u0000b") { id } }'), statuses: [400, 200, 200, 200], code: "BAD_USER_INPUT" },
    { name: "variables of the wrong type", body: json("query ($n: Int) { organizations(first: $n) { totalCount } }", { n: "x" }), statuses: [400, 400, 400, 400], code: "BAD_USER_INPUT" },
    { name: "batch", body: JSON.stringify([{ query: "{ __typename }" }]), statuses: [400, 400, 400, 400], code: "BAD_REQUEST" },
  ];

  it.each(rows)("$name: $statuses", async ({ body, statuses, code }) => {
    for (const [index, accept] of ACCEPTS.entries()) {
      const response = await fetch(`${gatehouse.server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(accept ? { accept } : {}) },
        body,
      });
      expect([accept, response.status]).toEqual([accept, statuses[index]]);
      expect(response.headers.get("content-type")).toBe(
        index === 0 ? "application/graphql-response+json; charset=utf-8" : "application/json; charset=utf-8",
      );
      const result = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(code ? [code] : undefined);
    }
  });

  it("an invalid token is 401 UNAUTHENTICATED with every Accept value", async () => {
    for (const accept of ACCEPTS) {
      const response = await fetch(`${gatehouse.server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer nope", ...(accept ? { accept } : {}) },
        body: json("{ serverInfo { version } }"),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    }
  });
});

describe("the README documents every code", () => {
  it("lists each code of src/errors.ts (and Yoga's BAD_REQUEST) in its error table, and no other", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("| Code | Meaning |"));
    const table = section.slice(0, section.search(/\n\n/));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(new Set(documented)).toEqual(new Set([...Object.keys(errorCodes), "BAD_REQUEST"]));
  });
});

// The embedded database lives in the process: it cannot become unreachable. On PostgreSQL, this
// file's own database stops accepting connections and its sessions are ended.
describe.runIf(testBackend === "postgres")("the database unavailable", () => {
  let server: TestServer;
  let token: string;
  let memberToken: string;
  let organizationId: string;
  let database: string;

  const setConnections = async (allowed: boolean) => {
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    try {
      await client.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed) await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [database]);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    token = await managementToken(server);
    const f = fixtures(server.db.prisma);
    const [user, organization] = await Promise.all([f.user(), f.organization()]);
    const reader = await f.organizationRole({ permissions: ["read:organization"] });
    await f.member(organization.id, user.id, [reader.id]);
    memberToken = await organizationToken(server, user.id, organization.id);
    organizationId = organization.id;
    const { config } = server.services;
    database = new URL(config.database.kind === "postgres" ? config.database.url : "").pathname.slice(1);
    await setConnections(false);
  });
  afterAll(async () => {
    await setConnections(true);
    await server.close();
  });

  const post = (query: string, accept?: string, bearer = token) =>
    fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}`, ...(accept ? { accept } : {}) },
      body: JSON.stringify({ query }),
    });

  it("a mutation that could not run is HTTP 503 with Retry-After and SERVICE_UNAVAILABLE, for every Accept value", async () => {
    for (const accept of ["application/graphql-response+json", "application/json", "*/*", undefined]) {
      const response = await post('mutation { createOrganization(input: { name: "Acme" }) { id } }', accept);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const body = (await response.json()) as { data: unknown; errors: { extensions: Record<string, unknown> }[] };
      expect(body.data).toBeNull();
      expect(body.errors.map((error) => error.extensions)).toEqual([{ code: "SERVICE_UNAVAILABLE", details: { retryAfterSeconds: 5 } }]);
    }
  });

  it("an organization token reading its organization gets the same 503 (whether its token check or its field fails)", async () => {
    const response = await post(`{ organization(id: "${organizationId}") { name } }`, "application/json", memberToken);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors.map((error) => error.extensions)).toEqual([{ code: "SERVICE_UNAVAILABLE", details: { retryAfterSeconds: 5 } }]);
  });

  it("the token endpoint answers temporarily_unavailable, HTTP 503 with Retry-After", async () => {
    const response = await requestToken(
      server,
      { grant_type: "client_credentials", resource: server.services.config.tokens.managementResource, scope: "all" },
      { basic: await adminClient(server) },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.body).toEqual({ error: "temporarily_unavailable", error_description: "the database is unavailable; retry in 5 seconds" });
  });

  it("a partial result stays HTTP 200, its failed field SERVICE_UNAVAILABLE", async () => {
    const response = await post('{ serverInfo { version } organization(id: "x") { id } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Record<string, unknown>; errors: { path: string[]; extensions: { code: string } }[] };
    expect(body.data.serverInfo).toBeTruthy();
    expect(body.errors.map((error) => [error.path, error.extensions.code])).toEqual([[["organization"], "SERVICE_UNAVAILABLE"]]);
  });

  it("answers again once the database is back", async () => {
    await setConnections(true);
    const response = await post("{ organizations { totalCount } }");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { organizations: { totalCount: 1 } } });
  });
});
