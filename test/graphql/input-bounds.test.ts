// Bounds on every input: too-long strings, NUL characters, unpaired surrogates and too-deep values
// are refused with BAD_USER_INPUT naming the argument, before anything runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { managementToken } from "../support/oauth.js";
import { type GraphQLResponse, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let organizationId: string;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  organizationId = (await fixtures(server.db.prisma).organization({ name: "Bounded" })).id;
  token = await managementToken(server, "organizations:read organizations:write");
});
afterAll(() => server.close());

function refusal(response: GraphQLResponse) {
  return { status: response.status, data: response.data, errors: response.errors?.map(({ message, extensions }) => ({ message, extensions })) };
}

const badInput = (field: string, problem: string) => ({
  status: 400,
  data: undefined,
  errors: [{ message: `Argument ${field} ${problem}.`, extensions: { code: "BAD_USER_INPUT", field } }],
});

async function post(body: string): Promise<GraphQLResponse> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const nested = (depth: number): unknown => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};

describe("input bounds", () => {
  it("refuse a NUL character in an argument literal and in a variable", async () => {
    expect(refusal(await server.graphql(`{ organization(id: "a\\u0000b") { id } }`, { token }))).toEqual(
      badInput("id", "contains a NUL character"),
    );
    expect(refusal(await server.graphql(`query ($id: ID!) { organization(id: $id) { id } }`, { variables: { id: "a\u0000b" }, token }))).toEqual(
      badInput("$id", "contains a NUL character"),
    );
  });

  it("refuse an unpaired surrogate in a name, and keep a real emoji", async () => {
    const rename = (name: string) =>
      server.graphql(`mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { name } }`, {
        variables: { input: { id: organizationId, name } },
        token,
      });
    expect(refusal(await rename("Bad \ud800 name"))).toEqual(badInput("$input.name", "contains an unpaired surrogate (not valid Unicode)"));
    expect((await rename("Rocket 🚀")).data).toEqual({ updateOrganization: { name: "Rocket 🚀" } });
  });

  it("refuse a string longer than 10,000 characters (a search, an id)", async () => {
    const search = "x".repeat(10_001);
    expect(refusal(await server.graphql(`query ($s: String) { organizations(search: $s) { totalCount } }`, { variables: { s: search }, token }))).toEqual(
      badInput("$s", "is longer than 10000 characters"),
    );
    const within = await server.graphql(`query ($s: String) { organizations(search: $s) { totalCount } }`, { variables: { s: "x".repeat(10_000) }, token });
    expect(within.errors).toBeUndefined();
  });

  it("refuse variables and customData nested deeper than 32 levels, however deep", async () => {
    const query = `mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { id } }`;
    // Written as text: JSON.stringify itself overflows the stack on values this deep.
    const deepData = `${'{"a":'.repeat(10_000)}"leaf"${"}".repeat(10_000)}`;
    expect(
      refusal(await post(`{"query":${JSON.stringify(query)},"variables":{"input":{"id":"${organizationId}","customData":${deepData}}}}`)),
    ).toEqual(badInput(`$input.customData${".a".repeat(31)}`, "nests deeper than 32 levels"));
    const deepList = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    const addMembers = `mutation ($ids: [ID!]!) { addOrganizationMembers(input: { organizationId: "x", userIds: $ids }) { joinedAt } }`;
    const listResponse = await post(`{"query":${JSON.stringify(addMembers)},"variables":{"ids":${deepList}}}`);
    expect(listResponse.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: `$ids${".0".repeat(32)}` });
    const fine = await server.graphql(query, { variables: { input: { id: organizationId, customData: nested(20) } }, token });
    expect(fine.errors).toBeUndefined();
  });

  it("refuse a NUL in a customData key", async () => {
    const response = await server.graphql(`mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { id } }`, {
      variables: { input: { id: organizationId, customData: { "a\u0000": 1 } } },
      token,
    });
    expect(refusal(response)).toEqual(badInput("$input.customData", "has a key that contains a NUL character"));
  });

  it("refuse an _entities representation that is not an entity (found by the fuzz suite: it was INTERNAL_SERVER_ERROR)", async () => {
    const entities = "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }";
    const problem = "is not an object whose __typename is an entity (Application, Organization, User)";
    const literal = await server.graphql('{ _entities(representations: ["x", true]) { __typename } }');
    expect(literal.errors?.map((error) => error.extensions)).toEqual([{ code: "BAD_USER_INPUT", field: "representations.0" }]);
    expect(refusal(await server.graphql(entities, { variables: { r: [{ __typename: "Organization", id: organizationId }, { __typename: "Viewer" }] } }))).toEqual(
      badInput("representations.1", problem),
    );
    // A well-formed representation is accepted; reading the entity, even its __typename, needs a token.
    const fine = await server.graphql(entities, { variables: { r: [{ __typename: "Organization", id: organizationId }] } });
    expect(fine.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([["UNAUTHENTICATED", ["_entities", 0]]]);
  });
});
