// Fan-out of organizationChanged: N subscribers on one organization (each its own SSE
// connection, graphql-sse's client), then changes made one at a time through the management API.
// Measured per change: from sending the mutation to the first and to the last subscriber having
// the event. Organization-token subscribers have their permissions re-read at each event (batched
// per change); management subscribers do not, so the two rows show what that re-check costs.
import { type Client, createClient } from "graphql-sse";
import { bootstrap } from "../src/domain/bootstrap.js";
import { seedTemplate } from "../src/domain/seed.js";
import { organizationWithMembers } from "../test/support/world.js";
import { type Backend, type BenchServer, managementToken, percentile, startBenchServer } from "./support.js";

const SUBSCRIBERS = 100;
const SUBSCRIPTION = `subscription ($id: ID!) { organizationChanged(organizationId: $id) { id action } }`;

export async function benchSubscriptions(backend: Backend, seconds: number): Promise<Record<string, string | number>[]> {
  const server = await startBenchServer(backend);
  try {
    const { prisma } = server.db;
    const managementResource = server.services.config.tokens.managementResource;
    const admin = await bootstrap(prisma, managementResource);
    await seedTemplate({ prisma, actor: "bench" });
    const { organization, users } = await organizationWithMembers(prisma, SUBSCRIBERS, `sub${backend}`);
    const viewer = await prisma.organizationRole.findUniqueOrThrow({ where: { name: "viewer" } });
    await prisma.organizationUserRole.createMany({
      data: users.map((user) => ({ organizationId: organization.id, userId: user.id, roleId: viewer.id })),
    });
    const adminToken = await managementToken(server, admin);
    const organizationTokens = await Promise.all(
      users.map(async (user) =>
        (await server.services.tokens.issue({ subject: { type: "user", id: user.id }, clientId: "bench", organizationId: organization.id })).accessToken,
      ),
    );

    const rows: Record<string, string | number>[] = [];
    for (const [tokens, label] of [
      [Array(SUBSCRIBERS).fill(adminToken) as string[], "management"],
      [organizationTokens, "organization"],
    ] as const) {
      rows.push({ backend, subscribers: `${SUBSCRIBERS} × ${label} token`, ...(await fanOut(server, organization.id, adminToken, tokens, seconds)) });
    }
    return rows;
  } finally {
    await server.close();
  }
}

/** Opens one subscription per token, then changes the organization for `seconds`, one change at a time. */
async function fanOut(server: BenchServer, organizationId: string, adminToken: string, tokens: readonly string[], seconds: number) {
  let pending: { remaining: number; first?: number; done: () => void } | undefined;
  const clients: Client[] = [];
  const stops: (() => void)[] = [];
  for (const token of tokens) {
    const client = createClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(client);
    stops.push(
      client.subscribe(
        { query: SUBSCRIPTION, variables: { id: organizationId } },
        {
          next: () => {
            if (!pending) return;
            pending.first ??= performance.now();
            if (--pending.remaining === 0) pending.done();
          },
          error: (error) => console.error("subscription failed", error),
          complete: () => {},
        },
      ),
    );
  }
  while (server.changes.subscribers < tokens.length) await new Promise((resolve) => setTimeout(resolve, 20));

  const firsts: number[] = [];
  const lasts: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    const delivered = new Promise<void>((resolve) => {
      pending = { remaining: tokens.length, done: resolve };
    });
    const started = performance.now();
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: `mutation ($id: ID!, $d: String!) { updateOrganization(input: { id: $id, description: $d }) { id } }`,
        variables: { id: organizationId, d: `change ${n++}` },
      }),
    });
    if (!response.ok) throw new Error(`the change failed: ${response.status}`);
    await delivered;
    firsts.push(pending!.first! - started);
    lasts.push(performance.now() - started);
  }
  for (const stop of stops) stop();
  for (const client of clients) client.dispose();
  while (server.changes.subscribers > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  return { changes: lasts.length, "first p50": percentile(firsts, 50), "last p50": percentile(lasts, 50), "last p99": percentile(lasts, 99) };
}
