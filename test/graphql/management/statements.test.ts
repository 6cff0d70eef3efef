// N+1 free: the SQL statements of one member-list operation do not grow with the page size, and an
// organization token (the organization plane) costs what a management token costs.
import { beforeAll, describe, expect, it } from "vitest";
import { type Caller, caller, ok } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";
import { organizationToken } from "../../support/oauth.js";
import { MEMBER_PAGE, organizationWithMembers } from "../../support/world.js";

let organizationId: string;
let organizationCaller: Caller;

const gatehouse = useGatehouse();
beforeAll(async () => {
  const { server, fixtures: f } = gatehouse;
  organizationId = (await organizationWithMembers(server.db.prisma, 100)).organization.id;
  // A member reading their own organization's members, with an organization token; they joined
  // last, so the first 100 members are the same for both callers.
  const reader = await f.user({ name: "Member page reader" });
  const role = await f.organizationRole({ permissions: ["read:organization", "read:members"] });
  await f.member(organizationId, reader.id, [role.id]);
  organizationCaller = caller(server, await organizationToken(server, reader.id, organizationId));
});

let lastStatements: string[] = [];

async function statementsFor(gql: Caller, first: number): Promise<{ count: number; members: number }> {
  await gql(MEMBER_PAGE, { id: organizationId, first }); // warm caches that are not part of the question
  const statements: string[] = [];
  const stop = gatehouse.server.db.onQuery((event) => statements.push(event.query));
  const data = ok(await gql(MEMBER_PAGE, { id: organizationId, first }));
  stop();
  lastStatements = statements;
  const edges = data.organization.members.edges as {
    node: { user: { id: string } | null; roles: { organizationScopes: unknown[] }[]; permissions: string[] };
  }[];
  expect(edges.every((edge) => edge.node.user !== null)).toBe(true);
  expect(edges[0]!.node.roles).toHaveLength(2);
  expect(edges[0]!.node.roles[0]!.organizationScopes).toHaveLength(3);
  expect(edges[0]!.node.permissions).toHaveLength(6);
  return { count: statements.length, members: edges.length };
}

describe("listing members with their roles and each role's permissions", () => {
  it.each([
    ["a management token", () => gatehouse.admin],
    ["an organization token", () => organizationCaller],
  ])("sends the same number of SQL statements for 10 members as for 100, with %s", async (_name, gql) => {
    const ten = await statementsFor(gql(), 10);
    const hundred = await statementsFor(gql(), 100);
    expect(ten.members).toBe(10);
    expect(hundred.members).toBe(100);
    expect(hundred.count).toBe(ten.count);
    // The organization, the page of members (each with their user and role ids), the total.
    // The roles and their permissions come from the template in memory (this test's first read
    // filled it). An organization token adds none: the users shown are members by the rows they are
    // read from, and its permissions come from the token facts cache.
    expect(hundred.count).toBe(3);
    expect(lastStatements.filter((sql) => /\b(organization_roles|organization_role_scopes|organization_scopes)\b/.test(sql))).toEqual([]);
    console.info(`member list (${_name}): ${ten.count} statements for 10 members, ${hundred.count} for 100`);
    if (process.env.SHOW_SQL) console.info(lastStatements.join("\n"));
  });
});
