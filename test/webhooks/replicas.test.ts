// Webhook deliveries survive restarts and are shared by replicas: the outbox row is written with
// the change, so a server stopped before delivering (or in the middle of an attempt) loses nothing,
// and replicas on one PostgreSQL database deliver each event once between them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";
import { type TestDatabase, createPersistentTestDatabase } from "../support/database.js";
import { testBackend } from "../support/env.js";
import { type Caller, admin, ok } from "../support/graphql.js";
import { type TestServer, startTestServer } from "../support/server.js";
import { type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver.js";

const env = {
  // Restarts must decrypt the endpoint's secret: the same GATEHOUSE_SECRET every time.
  GATEHOUSE_SECRET: "webhook-restart-test-secret-0123456789abcdef",
  GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1",
  GATEHOUSE_WEBHOOK_RETRY_BASE_MS: "20",
  GATEHOUSE_WEBHOOK_RETRY_MAX_MS: "100",
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const created = await createPersistentTestDatabase();
  cleanups.push(() => created.drop());
  return created;
}

async function server(options: { database: TestDatabase; worker: boolean }): Promise<TestServer> {
  const started = await startTestServer({ env: { ...env, GATEHOUSE_WEBHOOK_WORKER: String(options.worker) }, database: options.database });
  cleanups.push(() => started.close());
  return started;
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  cleanups.push(() => started.close());
  return started;
}

async function endpointFor(gql: Caller, to: WebhookReceiver): Promise<string> {
  const created = ok(
    await gql(`mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, eventTypes: ["organization.created"] }) { id secret } }`, { url: to.url }),
  ).createWebhookEndpoint;
  to.secret = created.secret;
  return created.id;
}

async function createOrganization(gql: Caller, name: string): Promise<string> {
  return ok(await gql(`mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`, { name })).createOrganization.id;
}

function deliveryStatuses(on: TestServer) {
  return on.db.prisma.webhookDelivery.findMany({ select: { status: true, attempts: true }, orderBy: { id: "asc" } });
}

const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 30_000, interval: 25 });

describe(`webhook deliveries across restarts (${testBackend})`, () => {
  it("a change committed before a restart is delivered after it", async () => {
    const shared = await database();
    const hooks = await receiver();
    const first = await server({ database: shared, worker: false });
    const gql = await admin(first);
    await endpointFor(gql, hooks);
    const organizationId = await createOrganization(gql, "Before the restart");
    expect(await deliveryStatuses(first)).toEqual([{ status: "PENDING", attempts: 0 }]);
    await first.stop();

    const second = await server({ database: shared, worker: true });
    await waitFor(() => expect(hooks.acknowledged().map((payload) => payload.data.targetId)).toEqual([organizationId]));
    await waitFor(async () => expect(await deliveryStatuses(second)).toEqual([{ status: "DELIVERED", attempts: 1 }]));
    expect(hooks.requests).toHaveLength(1);
  });

  it("an attempt cut short by stopping the server is made again after the restart", async () => {
    const shared = await database();
    const hooks = await receiver();
    let hold = true;
    // The first request is held unanswered until the server stops; later ones are acknowledged.
    hooks.respond = () => (hold ? new Promise<number>(() => {}) : 200);
    const first = await server({ database: shared, worker: true });
    const gql = await admin(first);
    await endpointFor(gql, hooks);
    const organizationId = await createOrganization(gql, "Cut short");
    await waitFor(() => expect(hooks.arrived).toBe(1));
    // Stopping aborts the attempt and gives the delivery back: due at once, the attempt not counted.
    await first.stop();
    hold = false;

    const second = await server({ database: shared, worker: true });
    await waitFor(() => expect(hooks.acknowledged().map((payload) => payload.data.targetId)).toEqual([organizationId]));
    await waitFor(async () => expect(await deliveryStatuses(second)).toEqual([{ status: "DELIVERED", attempts: 1 }]));
  });
});

// Replicas share a PostgreSQL database; the embedded database belongs to one process (its folder
// is locked), so there is no second replica to start on it.
describe.runIf(testBackend === "postgres")("replicas", () => {
  it("deliver each event once between them", async () => {
    const shared = await database();
    const hooks = await receiver();
    const first = await server({ database: shared, worker: true });
    const second = await startServer(first.services.config, createLogger("silent"));
    cleanups.push(() => second.stop());
    const gql = await admin(first);
    await endpointFor(gql, hooks);
    const created = await Promise.all(Array.from({ length: 30 }, (_, index) => createOrganization(gql, `Replicated ${index}`)));

    await waitFor(() => expect(hooks.acknowledged()).toHaveLength(created.length));
    expect(hooks.acknowledged().map((payload) => payload.data.targetId).sort()).toEqual([...created].sort());
    expect(new Set(hooks.requests.map((request) => request.webhookId)).size).toBe(hooks.requests.length);
    // Each recorded as delivered at the first attempt (the receiver answers before it is recorded).
    await waitFor(async () => expect(new Set((await deliveryStatuses(first)).map((row) => `${row.status} ${row.attempts}`))).toEqual(new Set(["DELIVERED 1"])));
  });
});
