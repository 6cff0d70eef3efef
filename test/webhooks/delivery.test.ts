// Webhooks through the public surface: endpoints managed over GraphQL, deliveries received by a
// receiver on 127.0.0.1 (allowed by configuration) that verifies each one with `standardwebhooks`.
// Retries are made fast by configuration; the tests wait on conditions, never on time.
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { admin, ok, refused } from "../support/graphql.js";
import { useGatehouse } from "../support/gatehouse.js";
import { managementToken } from "../support/oauth.js";
import { type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver.js";

const METRICS_TOKEN = "metrics-token-for-webhooks";
const gatehouse = useGatehouse({
  env: {
    GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1",
    GATEHOUSE_WEBHOOK_RETRY_BASE_MS: "20",
    GATEHOUSE_WEBHOOK_RETRY_MAX_MS: "100",
    GATEHOUSE_WEBHOOK_MAX_ATTEMPTS: "3",
    GATEHOUSE_WEBHOOK_DISABLE_AFTER: "4",
    GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN,
  },
});
const gql = gatehouse.admin;

const CREATE = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { id secret endpoint { id url eventTypes organizationId enabled } }
}`;
const DELIVERIES = `query ($endpointId: ID!) {
  webhookDeliveries(endpointId: $endpointId) {
    totalCount
    edges { node { id webhookId eventId eventType status attempts lastStatusCode lastError nextAttemptAt deliveredAt } }
  }
}`;
const ENDPOINT = `query ($id: ID!) { webhookEndpoint(id: $id) { id enabled disabledReason consecutiveFailures } }`;

interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: "PENDING" | "DELIVERED" | "FAILED";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

const receivers: WebhookReceiver[] = [];
afterAll(() => Promise.all(receivers.map((receiver) => receiver.close())));

/** A receiver and an endpoint for it, the receiver verifying with the endpoint's secret. */
async function endpointWithReceiver(input: { eventTypes: string[]; organizationId?: string }) {
  const receiver = await startWebhookReceiver();
  receivers.push(receiver);
  const created = ok(await gql(CREATE, { input: { url: receiver.url, ...input } })).createWebhookEndpoint;
  receiver.secret = created.secret;
  return { receiver, endpointId: created.id as string, secret: created.secret as string };
}

async function deliveries(endpointId: string): Promise<Delivery[]> {
  return ok(await gql(DELIVERIES, { endpointId })).webhookDeliveries.edges.map((edge: { node: Delivery }) => edge.node);
}

async function createOrganization(name = "Acme"): Promise<string> {
  return ok(await gql(`mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`, { name })).createOrganization.id;
}

function waitFor<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 20_000, interval: 20 });
}

describe("webhook endpoints", () => {
  it("are created with a whsec_ secret shown once and kept encrypted", async () => {
    const created = ok(await gql(CREATE, { input: { url: "https://hooks.example.com/gatehouse?token=abc", eventTypes: ["organization.created"] } }))
      .createWebhookEndpoint;
    expect(created).toEqual({
      id: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      endpoint: { id: created.id, url: "https://hooks.example.com/gatehouse?token=abc", eventTypes: ["organization.created"], organizationId: null, enabled: true },
    });
    const stored = await gatehouse.server.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.secretEncrypted).not.toContain(created.secret.slice(6));
    expect(stored.secretEncrypted.split(".")).toHaveLength(5);

    const readable = ok(
      await gql(`query ($id: ID!) {
        webhookEndpoints { edges { node { id url } } }
        auditEvents(targetId: $id) { edges { node { action data } } }
      }`, { id: created.id }),
    );
    expect(JSON.stringify(readable)).not.toContain(created.secret);
    // The event names the URL's host only: a URL may carry a credential.
    expect(readable.auditEvents.edges).toEqual([
      { node: { action: "webhook_endpoint.created", data: { host: "hooks.example.com", eventTypes: ["organization.created"], organizationId: null } } },
    ]);
    const asked = await gql(`query ($id: ID!) { webhookEndpoint(id: $id) { secret } }`, { id: created.id });
    expect(asked.errors?.[0]?.message).toContain('Cannot query field "secret"');
  });

  it("refuse unknown event types, audit-only ones (token grants) and bad URLs, naming the field", async () => {
    const create = (input: Record<string, unknown>) => gql(CREATE, { input: { url: "https://hooks.example.com/", eventTypes: ["organization.created"], ...input } });
    refused(await create({ eventTypes: ["organization.renamed"] }), "BAD_USER_INPUT", "input.eventTypes.0");
    refused(await create({ eventTypes: ["organization.created", "token.issued"] }), "BAD_USER_INPUT", "input.eventTypes.1");
    refused(await create({ eventTypes: [] }), "BAD_USER_INPUT", "input.eventTypes");
    refused(await create({ url: "ftp://hooks.example.com/" }), "BAD_USER_INPUT", "input.url");
    refused(await create({ url: "not a url" }), "BAD_USER_INPUT", "input.url");
    refused(await create({ url: "http://10.0.0.7/hooks" }), "BAD_USER_INPUT", "input.url");
    refused(await create({ organizationId: "nope" }), "NOT_FOUND", "input.organizationId");
  });

  it("are updated, disabled, re-enabled and deleted, each change audited", async () => {
    const organizationId = await createOrganization();
    const { id } = ok(await gql(CREATE, { input: { url: "https://a.example.com/", eventTypes: ["organization.created"] } })).createWebhookEndpoint;
    const updated = ok(
      await gql(`mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { url description eventTypes organizationId enabled } }`, {
        input: { id, url: "https://b.example.com/x", description: "CRM sync", eventTypes: ["organization.updated", "organization.updated"], organizationId },
      }),
    ).updateWebhookEndpoint;
    expect(updated).toEqual({ url: "https://b.example.com/x", description: "CRM sync", eventTypes: ["organization.updated"], organizationId, enabled: true });

    const disabled = ok(await gql(`mutation ($id: ID!) { disableWebhookEndpoint(input: { id: $id }) { enabled disabledReason } }`, { id }));
    expect(disabled.disableWebhookEndpoint).toEqual({ enabled: false, disabledReason: "manual" });
    const enabled = ok(await gql(`mutation ($id: ID!) { updateWebhookEndpoint(input: { id: $id, enabled: true }) { enabled disabledReason } }`, { id }));
    expect(enabled.updateWebhookEndpoint).toEqual({ enabled: true, disabledReason: null });

    expect(ok(await gql(`mutation ($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) }`, { id })).deleteWebhookEndpoint).toBe(id);
    expect(ok(await gql(ENDPOINT, { id })).webhookEndpoint).toBeNull();
    refused(await gql(`mutation ($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) }`, { id }), "NOT_FOUND");

    const events = ok(await gql(`query ($id: ID!) { auditEvents(targetId: $id) { edges { node { action data } } } }`, { id })).auditEvents.edges;
    expect(events.map((edge: { node: { action: string } }) => edge.node.action)).toEqual([
      "webhook_endpoint.deleted",
      "webhook_endpoint.updated",
      "webhook_endpoint.disabled",
      "webhook_endpoint.updated",
      "webhook_endpoint.created",
    ]);
    expect(events[3].node.data.changes.url).toEqual({ before: "a.example.com", after: "b.example.com" });
  });
});

describe("deliveries", () => {
  it("are signed per Standard Webhooks: every one verifies with the endpoint's secret", async () => {
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created", "organization.updated"] });
    const organizationId = await createOrganization("Signed");
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, name: "Signed 2" }) { id } }`, { id: organizationId }));

    const acknowledged = await waitFor(() => {
      const verified = receiver.acknowledged().filter((payload) => payload.data.targetId === organizationId);
      expect(verified).toHaveLength(2);
      // Deliveries run concurrently: their order of arrival is not the order of the events.
      return verified.sort((a, b) => Number(a.data.id) - Number(b.data.id));
    });
    expect(receiver.requests.every((request) => request.verified)).toBe(true);
    expect(acknowledged.map((payload) => payload.type)).toEqual(["organization.created", "organization.updated"]);
    expect(acknowledged[1]).toEqual({
      type: "organization.updated",
      timestamp: expect.any(String),
      data: {
        id: expect.any(String),
        cursor: expect.any(String),
        actor: expect.stringMatching(/^application:/),
        organizationId,
        targetType: "organization",
        targetId: organizationId,
        dataVersion: 1,
        data: { fields: ["name"], changes: { name: { before: "Signed", after: "Signed 2" } } },
      },
    });
    const request = receiver.requests.find((received) => received.verified?.data.id === acknowledged[1]!.data.id)!;
    expect(request.webhookId).toBe(`msg_${acknowledged[1]!.data.id}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const log = await waitFor(async () => {
      const rows = await deliveries(endpointId);
      expect(rows.map((row) => row.status)).toEqual(["DELIVERED", "DELIVERED"]);
      return rows;
    });
    expect(log[0]).toMatchObject({ eventType: "organization.updated", attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
  });

  it("carry a member's role change with its delta: the member, the roles added and removed, by id and name", async () => {
    const organizationId = await createOrganization("Roles");
    const { receiver } = await endpointWithReceiver({ eventTypes: ["organization.user_roles_assigned", "organization.user_roles_replaced"], organizationId });
    const user = await gatehouse.fixtures.user();
    const [viewer, editor] = await Promise.all([gatehouse.fixtures.organizationRole({ name: "wh-viewer" }), gatehouse.fixtures.organizationRole({ name: "wh-editor" })]);
    ok(await gql(`mutation ($input: AddOrganizationMembersInput!) { addOrganizationMembers(input: $input) { user { id } } }`, {
      input: { organizationId, userIds: [user.id], roleIds: [viewer!.id] },
    }));
    ok(await gql(`mutation ($input: SetOrganizationMemberRolesInput!) { setOrganizationMemberRoles(input: $input) { user { id } } }`, {
      input: { organizationId, userId: user.id, roleIds: [editor!.id] },
    }));

    const [replaced] = await waitFor(() => {
      const verified = receiver.acknowledged();
      expect(verified).toHaveLength(1);
      return verified;
    });
    expect(replaced!.type).toBe("organization.user_roles_replaced");
    expect(replaced!.data).toMatchObject({ organizationId, targetType: "user", targetId: user.id });
    expect(replaced!.data.data).toEqual({
      memberId: user.id,
      added: [{ id: editor!.id, name: "wh-editor" }],
      removed: [{ id: viewer!.id, name: "wh-viewer" }],
    });
  });

  it("only of the endpoint's organization when it names one", async () => {
    const [mine, other] = [await createOrganization("Mine"), await createOrganization("Other")];
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.updated"], organizationId: mine });
    for (const id of [other, mine]) ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "x" }) { id } }`, { id }));
    await waitFor(() => expect(receiver.acknowledged().map((payload) => payload.data.organizationId)).toEqual([mine]));
    expect(await deliveries(endpointId)).toHaveLength(1);
  });

  it("retry after a 500 until the receiver answers 200: the event is acknowledged once", async () => {
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    let answered = 0;
    receiver.respond = () => (answered++ === 0 ? 500 : 200);
    const organizationId = await createOrganization("Flaky receiver");

    const [row] = await waitFor(async () => {
      const rows = await deliveries(endpointId);
      expect(rows.map((delivery) => delivery.status)).toEqual(["DELIVERED"]);
      return rows;
    });
    expect(row).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(receiver.requests.map((request) => request.status)).toEqual([500, 200]);
    expect(new Set(receiver.requests.map((request) => request.webhookId)).size).toBe(1);
    expect(receiver.acknowledged().map((payload) => payload.data.targetId)).toEqual([organizationId]);
    expect(ok(await gql(ENDPOINT, { id: endpointId })).webhookEndpoint.consecutiveFailures).toBe(0);
  });

  it("fail after the configured attempts, are logged with the response, and are redelivered on request with the same webhook-id", async () => {
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    receiver.respond = () => 503;
    await createOrganization("Down");
    const [failed] = await waitFor(async () => {
      const rows = await deliveries(endpointId);
      expect(rows.map((delivery) => delivery.status)).toEqual(["FAILED"]);
      return rows;
    });
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: "HTTP 503", nextAttemptAt: null, deliveredAt: null });
    expect(receiver.requests).toHaveLength(3);

    receiver.respond = () => 200;
    const redelivered = ok(await gql(`mutation ($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { id webhookId status } }`, { id: failed!.id }))
      .redeliverWebhookDelivery;
    expect(redelivered).toEqual({ id: expect.any(String), webhookId: failed!.webhookId, status: "PENDING" });
    await waitFor(async () => expect((await deliveries(endpointId)).map((delivery) => delivery.status)).toEqual(["DELIVERED", "FAILED"]));
    expect(receiver.requests.at(-1)).toMatchObject({ webhookId: failed!.webhookId, status: 200 });
    refused(await gql(`mutation ($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { id } }`, { id: "999999999" }), "NOT_FOUND");
  });

  it("disable an endpoint that keeps failing, with a webhook_endpoint.disabled event", async () => {
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    receiver.respond = () => 500;
    await createOrganization("Failing 1");
    await createOrganization("Failing 2");
    const endpoint = await waitFor(async () => {
      const found = ok(await gql(ENDPOINT, { id: endpointId })).webhookEndpoint;
      expect(found.enabled).toBe(false);
      return found;
    });
    expect(endpoint).toEqual({ id: endpointId, enabled: false, disabledReason: "failing", consecutiveFailures: 4 });
    const events = ok(await gql(`query ($id: ID!) { auditEvents(targetId: $id, action: "webhook_endpoint.disabled") { edges { node { actor data } } } }`, { id: endpointId }));
    expect(events.auditEvents.edges).toEqual([{ node: { actor: "system:webhooks", data: { reason: "failing", consecutiveFailures: 4 } } }]);

    // Deliveries pending when it was disabled wait (it failed 4 of at most 6 attempts, so one at
    // least is pending) and go out once it is enabled again; changes made while it is disabled are not for it.
    receiver.respond = () => 200;
    const skipped = await createOrganization("While disabled");
    expect(await deliveries(endpointId)).toHaveLength(2);
    ok(await gql(`mutation ($id: ID!) { updateWebhookEndpoint(input: { id: $id, enabled: true }) { enabled } }`, { id: endpointId }));
    const settled = await waitFor(async () => {
      const rows = await deliveries(endpointId);
      expect(rows.filter((delivery) => delivery.status === "PENDING")).toEqual([]);
      return rows;
    });
    const delivered = settled.filter((delivery) => delivery.status === "DELIVERED").map((delivery) => delivery.eventId);
    expect(delivered.length).toBeGreaterThan(0);
    expect(receiver.acknowledged().map((payload) => payload.data.id).sort()).toEqual(delivered.sort());
    expect(receiver.acknowledged().map((payload) => payload.data.targetId)).not.toContain(skipped);
  });

  it("use the new secret once it is rotated", async () => {
    const { receiver, endpointId, secret: old } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    const rotated = ok(await gql(`mutation ($id: ID!) { rotateWebhookEndpointSecret(input: { id: $id }) { id secret } }`, { id: endpointId }))
      .rotateWebhookEndpointSecret;
    expect(rotated).toEqual({ id: endpointId, secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.secret).not.toBe(old);
    receiver.secret = rotated.secret;
    const organizationId = await createOrganization("After rotation");
    await waitFor(() => expect(receiver.acknowledged().map((payload) => payload.data.targetId)).toEqual([organizationId]));
    const [request] = receiver.requests;
    expect(() => new Webhook(old).verify(request!.body, request!.headers as Record<string, string>)).toThrow(WebhookVerificationError);
  });

  it("are never written for token grants or denials", async () => {
    const before = await gatehouse.server.db.prisma.webhookDelivery.count();
    await managementToken(gatehouse.server, "organizations:read");
    const after = await gatehouse.server.db.prisma.webhookDelivery.count();
    expect(after).toBe(before);
    const tokenEvents = await gatehouse.server.db.prisma.webhookDelivery.count({ where: { event: { action: { in: ["token.issued", "token.denied"] } } } });
    expect(tokenEvents).toBe(0);
  });
});

describe("the outbox and the delivery log", () => {
  it("are measured: deliveries by outcome, queue depth, age of the oldest pending delivery", async () => {
    const { receiver, endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    receiver.respond = () => 200;
    await createOrganization("Measured");
    await waitFor(async () => expect((await deliveries(endpointId)).map((delivery) => delivery.status)).toEqual(["DELIVERED"]));
    const metrics = await (await fetch(`${gatehouse.server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1]);
    // Earlier tests delivered some, retried after a 500 and gave up after three 503s.
    expect(value(/^gatehouse_webhook_deliveries_total\{outcome="delivered",error="none"\} (\d+)$/m)).toBeGreaterThanOrEqual(5);
    expect(value(/^gatehouse_webhook_deliveries_total\{outcome="retrying",error="status"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^gatehouse_webhook_deliveries_total\{outcome="failed",error="status"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^gatehouse_webhook_queue_depth (\d+)$/m)).toBeGreaterThanOrEqual(0);
    expect(value(/^gatehouse_webhook_oldest_pending_seconds ([\d.e+-]+)$/m)).toBeGreaterThanOrEqual(0);
  });

  it("are deleted past the retention period, pending deliveries included", async () => {
    const { endpointId } = await endpointWithReceiver({ eventTypes: ["organization.created"] });
    await createOrganization("Old news");
    await waitFor(async () => expect((await deliveries(endpointId)).map((delivery) => delivery.status)).toEqual(["DELIVERED"]));
    const { prisma } = gatehouse.server.db;
    const old = await prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId } });
    // A pending one too, to an endpoint that has been disabled for longer than the retention period.
    ok(await gql(`mutation ($id: ID!) { disableWebhookEndpoint(input: { id: $id }) { enabled } }`, { id: endpointId }));
    await prisma.webhookDelivery.create({ data: { endpointId, eventId: old.eventId } });
    const retentionHours = gatehouse.server.services.config.webhooks.retentionHours;
    await prisma.webhookDelivery.updateMany({ where: { endpointId }, data: { createdAt: new Date(Date.now() - (retentionHours + 1) * 3_600_000) } });
    await prisma.webhookDelivery.create({ data: { endpointId, eventId: old.eventId, status: "DELIVERED", nextAttemptAt: null } });

    expect(await prisma.webhookDelivery.count({ where: { endpointId, status: "PENDING" } })).toBe(1);
    expect(await gatehouse.server.webhooks.purge()).toBeGreaterThanOrEqual(2);
    const left = await deliveries(endpointId);
    expect(left).toHaveLength(1);
    expect(left[0]!.status).toBe("DELIVERED");
  });
});

describe("webhook scopes", () => {
  let reader: Awaited<ReturnType<typeof admin>>;
  let writer: Awaited<ReturnType<typeof admin>>;
  beforeAll(async () => {
    reader = await admin(gatehouse.server, "webhooks:read");
    writer = await admin(gatehouse.server, "webhooks:write organizations:read");
  });

  it("webhooks:read lists endpoints and deliveries but changes nothing", async () => {
    ok(await reader(`{ webhookEndpoints { totalCount } webhookDeliveries(first: 1) { totalCount } webhookEventTypes }`));
    refused(await reader(CREATE, { input: { url: "https://x.example.com/", eventTypes: ["webhook_endpoint.created"] } }), "FORBIDDEN");
  });

  it("webhooks:write creates endpoints for the event types its scopes see, and gets the secret", async () => {
    const response = await writer(CREATE, { input: { url: "https://x.example.com/", eventTypes: ["organization.created"] } });
    expect(response.data?.createWebhookEndpoint).toEqual({ id: expect.any(String), secret: expect.stringMatching(/^whsec_/), endpoint: null });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
    refused(await writer(CREATE, { input: { url: "https://x.example.com/", eventTypes: ["user.created"] } }), "FORBIDDEN", "input.eventTypes.0");
    refused(await writer(`{ webhookEndpoints { totalCount } }`), "FORBIDDEN");
  });

  it("other management scopes see no endpoint", async () => {
    const organizations = await admin(gatehouse.server, "organizations:read organizations:write");
    refused(await organizations(`{ webhookEndpoints { totalCount } }`), "FORBIDDEN");
    refused(await organizations(CREATE, { input: { url: "https://x.example.com/", eventTypes: ["organization.created"] } }), "FORBIDDEN");
  });
});
