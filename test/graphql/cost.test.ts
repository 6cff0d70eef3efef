// Operation cost counts what will run: page sizes from the variables' values, clamped as the
// server clamps them, multiplied through nested connections and lists; refused before anything runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { managementToken, organizationToken } from "../support/oauth.js";
import { type GraphQLResponse, startTestServer, statementsDuring, type TestServer } from "../support/server.js";
import { subscribe } from "../support/subscriptions.js";

let server: TestServer;
let organizationId: string;
let management: string;
let member: string;

beforeAll(async () => {
  server = await startTestServer();
  const f = fixtures(server.db.prisma);
  const organization = await f.organization();
  organizationId = organization.id;
  // The default `member` role's permissions: enough to read members and their organization.
  const role = await f.organizationRole({ permissions: ["read:organization", "read:members", "read:applications"] });
  const users = await Promise.all(Array.from({ length: 3 }, () => f.user()));
  for (const user of users) await f.member(organization.id, user.id, [role.id]);
  [management, member] = await Promise.all([
    managementToken(server, "organizations:read"),
    organizationToken(server, users[0]!.id, organization.id),
  ]);
});
afterAll(() => server.close());

/** The query: members → organization → members, three levels, each page `first: $n`. */
const NESTED = `query ($id: ID!, $n: Int!) {
  organization(id: $id) { members(first: $n) { edges { node { user { id }
    organization { members(first: $n) { edges { node { user { id }
      organization { members(first: $n) { edges { node { user { id } } } } } } } } } } } } }
}`;

/** NESTED's cost: each level costs its fields plus its page size times what each member selects. */
const nestedCost = (n: number) => 2 + n * (6 + n * (6 + 4 * n));

function costOf(response: GraphQLResponse): unknown {
  return (response.errors?.[0]?.extensions?.details as { cost?: number } | undefined)?.cost;
}

describe("operation cost", () => {
  it.each([
    ["a management token", () => management],
    ["a member's organization token", () => member],
  ])("refuses the nested members query with n = 100 before it runs, with %s", async (_, token) => {
    let response: GraphQLResponse | undefined;
    const statements = await statementsDuring(server, async () => {
      response = await server.graphql(NESTED, { variables: { id: organizationId, n: 100 }, token: token() });
    });
    expect(response?.status).toBe(400);
    expect(response?.data).toBeUndefined();
    expect(response?.errors).toEqual([
      {
        message: expect.stringMatching(/^The operation's cost, \d+, is over the limit of 20000\.$/),
        extensions: { code: "QUERY_LIMIT_EXCEEDED", details: { limit: "cost", cost: expect.any(Number), maxCost: 20_000 } },
      },
    ]);
    expect(costOf(response!)).toBe(nestedCost(100));
    // Nothing ran: no membership was read.
    expect(statements.filter((sql) => sql.includes("organization_memberships"))).toEqual([]);
  });

  it("runs the same query with small pages, and counts the variables' values", async () => {
    const small = await server.graphql(NESTED, { variables: { id: organizationId, n: 3 }, token: member });
    expect(small.errors).toBeUndefined();
    expect(small.data).toMatchObject({ organization: { members: { edges: expect.any(Array) } } });
    const medium = await server.graphql(NESTED, { variables: { id: organizationId, n: 30 }, token: member });
    expect(costOf(medium)).toBe(nestedCost(30));
  });

  it("counts a page size over the server's maximum as the maximum the server returns", async () => {
    const huge = await server.graphql(NESTED, { variables: { id: organizationId, n: 2_000_000_000 }, token: member });
    expect(costOf(huge)).toBe(nestedCost(100));
  });

  it("counts an unsized connection as the default page (20), and what a @skip leaves out as nothing", async () => {
    const query = `query ($id: ID!, $skip: Boolean!) {
      organization(id: $id) { name members @skip(if: $skip) { edges { node { organization { members { edges { node {
        organization { members { edges { node { user { id } } } } } } } } } } } } }
    }`;
    const counted = await server.graphql(query, { variables: { id: organizationId, skip: false }, token: member });
    expect(costOf(counted)).toBe(3 + 20 * (4 + 20 * (4 + 20 * 4)));
    const skipped = await server.graphql(query, { variables: { id: organizationId, skip: true }, token: member });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data).toEqual({ organization: { name: expect.any(String) } });
  });

  it("counts _entities by its representations: a router's batch of 500 small ones passes, 500 member pages do not", async () => {
    const representations = Array.from({ length: 500 }, () => ({ __typename: "Organization", id: organizationId }));
    const small = await server.graphql<{ _entities: unknown[] }>(
      "query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Organization { id name branding { logoUrl } } } }",
      { variables: { r: representations }, token: management },
    );
    expect(small.errors).toBeUndefined();
    expect(small.data?._entities).toHaveLength(500);
    const heavy = await server.graphql(
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { members(first: 50) { edges { node { user { id } } } } } } }",
      { variables: { r: representations }, token: management },
    );
    expect(heavy.status).toBe(400);
    expect(costOf(heavy)).toBe(1 + 500 * (1 + 50 * 4));
  });

  it("counts a mutation's list result by the ids it was given", async () => {
    const userIds = Array.from({ length: 100 }, (_, i) => `missing-${i}`);
    const response = await server.graphql(
      `mutation ($input: OrganizationMemberRolesInput!) {
        assignOrganizationMemberRoles(input: $input) { user { id } organization { members(first: 100) { edges { node { user { id } } } } } }
      }`,
      { variables: { input: { organizationId, userIds, roleNames: ["viewer"] } }, token: await managementToken(server, "organizations:write") },
    );
    expect(response.status).toBe(400);
    expect(costOf(response)).toBe(1 + 100 * (2 + 2 + 100 * 4));
  });

  it("refuses a subscription over the limit when it starts", async () => {
    const subscription = await subscribe(
      server,
      `subscription ($id: ID!) { organizationChanged(organizationId: $id) { organization {
        members(first: 100) { edges { node { organization { members(first: 100) { edges { node { user { id } } } } } } } } } } }`,
      { variables: { id: organizationId }, token: management },
    );
    const { results, error } = await subscription.ended;
    const errors = [...results.flatMap((result) => result.errors ?? []), ...(Array.isArray(error) ? error : [error])];
    expect(errors).toContainEqual(expect.objectContaining({ extensions: expect.objectContaining({ code: "QUERY_LIMIT_EXCEEDED" }) }));
  });
});
