// Latency of the member list at 100 members (each with two roles of three permissions), with a
// management token: the admin console's heaviest common query.
import { bootstrap } from "../src/domain/bootstrap.js";
import { MEMBER_PAGE, organizationWithMembers } from "../test/support/world.js";
import { type Backend, load, managementToken, startBenchServer } from "./support.js";

export async function benchMembers(backend: Backend, seconds: number): Promise<Record<string, string | number>[]> {
  const server = await startBenchServer(backend);
  try {
    const { prisma } = server.db;
    const admin = await bootstrap(prisma, server.services.config.tokens.managementResource);
    const token = await managementToken(server, admin);
    const { organization } = await organizationWithMembers(prisma, 100, "bench");
    const rows: Record<string, string | number>[] = [];
    for (const first of [10, 100]) {
      const result = await load({
        url: `${server.url}/graphql`,
        seconds,
        connections: 1,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: MEMBER_PAGE, variables: { id: organization.id, first } }),
      });
      rows.push({ backend, query: `members(first: ${first})`, ...result });
    }
    return rows;
  } finally {
    await server.close();
  }
}
