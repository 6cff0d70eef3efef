// Webhook delivery latency: changes made at a steady rate (50 per second by default) through the
// management API, each delivered to a receiver on 127.0.0.1 that verifies it with `standardwebhooks`
// and answers 204. Measured per change: from the mutation's response (the change is committed) to
// the receiver acknowledging it, and from sending the mutation. Changes are sent on a fixed
// schedule, not one after the other (an open loop), so a slow delivery does not slow the changes.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { bootstrap } from "../src/domain/bootstrap.js";
import { type Backend, managementToken, percentile, startBenchServer } from "./support.js";

const CHANGES_PER_SECOND = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);

interface Timing {
  sent: number;
  committed?: number;
  acknowledged?: number;
}

export async function benchWebhooks(backend: Backend, seconds: number): Promise<Record<string, string | number>[]> {
  const server = await startBenchServer(backend, { GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1" });
  const timings = new Map<string, Timing>();
  let secret = "";
  let unverified = 0;
  let repeated = 0;
  const receiver = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    let change: string | undefined;
    try {
      const event = new Webhook(secret).verify(body, request.headers as Record<string, string>) as { data: { data: { changes: { description: { after: string } } } } };
      change = event.data.data.changes.description.after;
    } catch {
      unverified++;
    }
    response.writeHead(change ? 204 : 400).end();
    const timing = change ? timings.get(change) : undefined;
    if (timing?.acknowledged !== undefined) repeated++;
    else if (timing) timing.acknowledged = performance.now();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const admin = await bootstrap(server.db.prisma, server.services.config.tokens.managementResource);
    const token = await managementToken(server, admin);
    const gql = (query: string, variables: Record<string, unknown>) =>
      fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }).then((response) => response.json() as Promise<{ data?: Record<string, { id: string; secret: string }>; errors?: unknown[] }>);
    const organization = await gql(`mutation { createOrganization(input: { name: "Webhook bench" }) { id } }`, {});
    const organizationId = organization.data!.createOrganization!.id;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const endpoint = await gql(`mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, eventTypes: ["organization.updated"] }) { id secret } }`, { url });
    secret = endpoint.data!.createWebhookEndpoint!.secret;

    const total = Math.round(seconds * CHANGES_PER_SECOND);
    const start = performance.now();
    const changes: Promise<void>[] = [];
    const failed: string[] = [];
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / CHANGES_PER_SECOND;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const description = `change ${n}`;
      const timing: Timing = { sent: performance.now() };
      timings.set(description, timing);
      changes.push(
        gql(`mutation ($id: ID!, $d: String!) { updateOrganization(input: { id: $id, description: $d }) { id } }`, { id: organizationId, d: description }).then(
          (result) => {
            if (!result.errors) timing.committed = performance.now();
            else {
              // A failed change sends nothing: counted, and left out of the latencies.
              failed.push(JSON.stringify(result.errors));
              timings.delete(description);
            }
          },
        ),
      );
    }
    await Promise.all(changes);
    const sentFor = (performance.now() - start) / 1000;
    const deadline = performance.now() + 60_000;
    while ([...timings.values()].some((timing) => timing.acknowledged === undefined) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (failed.length > 0) console.error(`${failed.length} changes failed; the first: ${failed[0]}`);
    const done = [...timings.values()].filter((timing) => timing.acknowledged !== undefined);
    const fromCommit = done.map((timing) => Math.max(0, timing.acknowledged! - timing.committed!));
    const fromSend = done.map((timing) => timing.acknowledged! - timing.sent);
    return [
      {
        backend,
        "changes/s": Math.round((total / sentFor) * 10) / 10,
        changes: total,
        "failed changes": failed.length,
        acknowledged: done.length,
        "repeats, unverified": `${repeated}, ${unverified}`,
        "commit→ack p50": percentile(fromCommit, 50),
        "commit→ack p99": percentile(fromCommit, 99),
        "send→ack p50": percentile(fromSend, 50),
        "send→ack p99": percentile(fromSend, 99),
      },
    ];
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await server.close();
  }
}
