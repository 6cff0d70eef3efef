// N+1 free: the SQL statements of one member-list operation do not grow with the page size.
import { beforeAll, describe, expect, it } from "vitest";
import { ok } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";
import { MEMBER_PAGE, organizationWithMembers } from "../../support/world.js";

let organizationId: string;

const gatehouse = useGatehouse();
const gql = gatehouse.admin;
beforeAll(async () => {
  organizationId = (await organizationWithMembers(gatehouse.server.db.prisma, 100)).organization.id;
});

let lastStatements: string[] = [];

async function statementsFor(first: number): Promise<{ count: number; members: number }> {
  await gql(MEMBER_PAGE, { id: organizationId, first }); // warm caches that are not part of the question
  const statements: string[] = [];
  const stop = gatehouse.server.db.onQuery((event) => statements.push(event.query));
  const data = ok(await gql(MEMBER_PAGE, { id: organizationId, first }));
  stop();
  lastStatements = statements;
  const edges = data.organization.members.edges as { node: { roles: { organizationScopes: unknown[] }[]; permissions: string[] } }[];
  expect(edges[0]!.node.roles).toHaveLength(2);
  expect(edges[0]!.node.roles[0]!.organizationScopes).toHaveLength(3);
  expect(edges[0]!.node.permissions).toHaveLength(6);
  return { count: statements.length, members: edges.length };
}

describe("listing members with their roles and each role's permissions", () => {
  it("sends the same number of SQL statements for 10 members as for 100", async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten.members).toBe(10);
    expect(hundred.members).toBe(100);
    expect(hundred.count).toBe(ten.count);
    // The organization with the total, the members' page, their role links, users, roles, the
    // roles' permission links, permissions: `permissions` shares the `roles` load (a selection that
    // differs from it, even in an order, re-reads every member: 12 statements).
    expect(hundred.count).toBe(7);
    console.info(`member list: ${ten.count} statements for 10 members, ${hundred.count} for 100`);
    if (process.env.SHOW_SQL) console.info(lastStatements.join("\n"));
  });
});
