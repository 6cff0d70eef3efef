// Audit retention: events older than GATEHOUSE_AUDIT_RETENTION_DAYS are deleted in bounded batches;
// a change-feed cursor older than what is kept is refused with CURSOR_EXPIRED (by `changes` and by
// subscriptions), never answered with a shorter history; an event whose webhook delivery is pending
// is kept, also when it is redelivered while retention deletes.
import { describe, expect, it, vi } from "vitest";
import { RETENTION_BATCH, deleteExpiredAuditEvents } from "../../src/domain/audit-retention.js";
import { useGatehouse } from "../support/gatehouse.js";
import { type Caller, ok, refused } from "../support/graphql.js";
import { managementToken } from "../support/oauth.js";
import { testBackend } from "../support/env.js";
import { subscribe } from "../support/subscriptions.js";

// No delivery worker: deliveries stay pending, as for a receiver that is down.
const gatehouse = useGatehouse({ env: { LOG_LEVEL: "error", GATEHOUSE_AUDIT_RETENTION_DAYS: "30", GATEHOUSE_WEBHOOK_WORKER: "false" } });
const gql: Caller = (query, variables) => gatehouse.admin(query, variables);

const CHANGES = `query ($after: String, $first: Int) {
  changes(after: $after, first: $first) { edges { cursor node { action targetId } } pageInfo { hasNextPage endCursor } }
}`;
const DAY_MS = 86_400_000;

interface Page {
  changes: { edges: { cursor: string; node: { action: string; targetId: string | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
}

async function createOrganization(name: string): Promise<string> {
  return ok(await gql<{ createOrganization: { id: string } }>(`mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`, { name }))
    .createOrganization.id;
}

/** Every change after `after`, to the end of the feed. */
async function readFrom(after: string | null): Promise<{ targets: (string | null)[]; end: string }> {
  const targets: (string | null)[] = [];
  for (;;) {
    const { changes } = ok(await gql<Page>(CHANGES, { after, first: 100 }));
    targets.push(...changes.edges.map((edge) => edge.node.targetId));
    after = changes.pageInfo.endCursor;
    if (!changes.pageInfo.hasNextPage) return { targets, end: after };
  }
}

/** Makes the events of these targets (and, with `tokens`, every token event so far) `days` old. */
async function age(targetIds: string[], days: number, { tokens = false } = {}): Promise<void> {
  const at = new Date(Date.now() - days * DAY_MS);
  const { prisma } = gatehouse.server.db;
  const tokenEvents = tokens ? [{ action: { startsWith: "token." } }] : [];
  await prisma.auditEvent.updateMany({ where: { OR: [{ targetId: { in: targetIds } }, ...tokenEvents] }, data: { at } });
}

describe("audit retention", () => {
  it("deletes what is older than the retention period, and refuses a cursor from before it with CURSOR_EXPIRED", async () => {
    const start = (await readFrom(null)).end;
    const old = [await createOrganization("Old 1"), await createOrganization("Old 2")];
    const { end: afterOld } = await readFrom(start);
    const recent = [await createOrganization("Recent 1"), await createOrganization("Recent 2")];
    await age(old, 31, { tokens: true });
    await age([recent[0]!], 29);

    expect(await gatehouse.server.auditRetention.run()).toBeGreaterThanOrEqual(2);
    const { prisma } = gatehouse.server.db;
    expect(await prisma.auditEvent.count({ where: { targetId: { in: old } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { targetId: { in: recent } } })).toBe(2);
    expect(await prisma.auditEvent.count({ where: { action: { startsWith: "token." } } })).toBe(0);

    // A reader whose cursor is before the deleted events: told to resync, not given what is left.
    const expired = await gql<Page>(CHANGES, { after: start });
    refused(expired, "CURSOR_EXPIRED", "after");
    const { currentCursor } = expired.errors![0]!.extensions!.details as { currentCursor: string };
    // Resync: read the state again, then read on after the cursor the refusal gave.
    const created = await createOrganization("After the resync");
    expect((await readFrom(currentCursor)).targets).toEqual([created]);

    // A reader that had read past the deleted events misses nothing.
    expect((await readFrom(afterOld)).targets).toEqual([...recent, created]);
    // Without a cursor, the feed starts where it is kept.
    expect((await readFrom(null)).targets.slice(-3)).toEqual([...recent, created]);
  });

  it("refuses a subscription resuming from before the horizon with CURSOR_EXPIRED", async () => {
    const start = (await readFrom(null)).end;
    const organizationId = await createOrganization("Subscribed");
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "x" }) { id } }`, { id: organizationId }));
    await age([organizationId], 400);
    expect(await gatehouse.server.auditRetention.run()).toBeGreaterThanOrEqual(2);

    const subscription = await subscribe(gatehouse.server, `subscription ($id: ID!, $after: String) { organizationChanged(organizationId: $id, after: $after) { cursor } }`, {
      variables: { id: organizationId, after: start },
      token: await managementToken(gatehouse.server, "organizations:read"),
    });
    const { results } = await subscription.ended;
    expect(results).toHaveLength(1);
    expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: "CURSOR_EXPIRED", details: { currentCursor: expect.any(String) } });
  });

  it("ends a live subscription with CURSOR_EXPIRED when retention deleted changes the process had not read yet", async () => {
    const watched = await createOrganization("Watched live");
    const subscription = await subscribe(gatehouse.server, `subscription ($id: ID!) { organizationChanged(organizationId: $id) { cursor action } }`, {
      variables: { id: watched },
      token: await managementToken(gatehouse.server, "organizations:read"),
    });
    // A change whose notification is lost (as while the listening connection is down): the process's
    // reader does not read it, and retention deletes it before anything wakes the reader.
    const { prisma } = gatehouse.server.db;
    await prisma.$executeRawUnsafe(`ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_inserted"`);
    let unread: string;
    try {
      unread = await createOrganization("Never read live");
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_inserted"`);
    }
    await age([unread], 400);
    expect(await gatehouse.server.auditRetention.run()).toBeGreaterThanOrEqual(1);

    // The next change wakes the reader, which finds the horizon past where it was.
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "seen?" }) { id } }`, { id: watched }));
    const results = await subscription.received(1);
    expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: "CURSOR_EXPIRED", details: { currentCursor: expect.any(String) } });
    expect((await subscription.ended).results).toHaveLength(1);

    // The cursor given is where the feed is now (the change that woke the reader included): after
    // resyncing, a reader reads on from there.
    const { currentCursor } = results[0]!.errors![0]!.extensions!.details as { currentCursor: string };
    expect((await readFrom(currentCursor)).targets).toEqual([]);
    const next = await createOrganization("After the resync, live");
    expect((await readFrom(currentCursor)).targets).toEqual([next]);
  });

  it("refuses an auditEvents cursor whose event was deleted with CURSOR_EXPIRED, and reads on from details.currentCursor", async () => {
    const ids = [await createOrganization("Log 1"), await createOrganization("Log 2"), await createOrganization("Log 3")];
    const LOG = `query ($first: Int, $after: String, $last: Int, $before: String) {
      auditEvents(action: "organization.created", first: $first, after: $after, last: $last, before: $before) { edges { cursor node { targetId } } }
    }`;
    type Log = { auditEvents: { edges: { cursor: string; node: { targetId: string } }[] } };
    // Newest first: Log 3, Log 2, Log 1. A reader's cursor at Log 2, which retention then deletes.
    const page = ok(await gql<Log>(LOG, { first: 3 })).auditEvents.edges;
    expect(page.map((edge) => edge.node.targetId)).toEqual([ids[2], ids[1], ids[0]]);
    await age([ids[1]!], 400);
    await gatehouse.server.auditRetention.run();

    const older = await gql<Log>(LOG, { first: 10, after: page[1]!.cursor });
    refused(older, "CURSOR_EXPIRED", "after");
    const onOlder = (older.errors![0]!.extensions!.details as { currentCursor: string }).currentCursor;
    expect(ok(await gql<Log>(LOG, { first: 1, after: onOlder })).auditEvents.edges.map((edge) => edge.node.targetId)).toEqual([ids[0]]);

    const newer = await gql<Log>(LOG, { last: 10, before: page[1]!.cursor });
    refused(newer, "CURSOR_EXPIRED", "before");
    const onNewer = (newer.errors![0]!.extensions!.details as { currentCursor: string }).currentCursor;
    expect(ok(await gql<Log>(LOG, { last: 1, before: onNewer })).auditEvents.edges.map((edge) => edge.node.targetId)).toEqual([ids[2]]);
  });

  it("keeps an event whose webhook delivery is still pending, with its delivery", async () => {
    ok(
      await gql(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }`, {
        input: { url: "https://receiver.example.com/hooks", eventTypes: ["organization.created"] },
      }),
    );
    const pending = await createOrganization("Waiting for its webhook");
    const undelivered = ok(await gql<{ createOrganizationScope: { id: string } }>(`mutation { createOrganizationScope(input: { name: "retained:not" }) { id } }`))
      .createOrganizationScope.id;
    await age([pending, undelivered], 60);
    const { prisma } = gatehouse.server.db;
    expect(await prisma.webhookDelivery.count({ where: { status: "PENDING", event: { targetId: pending } } })).toBe(1);

    await gatehouse.server.auditRetention.run();
    expect(await prisma.auditEvent.count({ where: { targetId: pending } })).toBe(1);
    expect(await prisma.webhookDelivery.count({ where: { status: "PENDING", event: { targetId: pending } } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { targetId: undelivered } })).toBe(0);
  });

  describe("a webhook redelivery racing retention", () => {
    const REDELIVER = `mutation ($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { id status } }`;
    /** An event past retention whose only delivery failed (so retention may delete it, and it may be redelivered). */
    async function failedDelivery(name: string) {
      ok(
        await gql(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }`, {
          input: { url: "https://receiver.example.com/hooks", eventTypes: ["organization.created"] },
        }),
      );
      const organizationId = await createOrganization(name);
      await age([organizationId], 60);
      const { prisma } = gatehouse.server.db;
      // Every endpoint listening (earlier tests' too) failed to receive it.
      await prisma.webhookDelivery.updateMany({ where: { event: { targetId: organizationId } }, data: { status: "FAILED", nextAttemptAt: null } });
      const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { event: { targetId: organizationId } }, orderBy: { id: "desc" } });
      return { organizationId, eventId: delivery.eventId, deliveryId: delivery.id.toString() };
    }
    const before = () => new Date(Date.now() - 30 * DAY_MS);

    it("keeps an event whose redelivery committed after the candidates were chosen: the delete checks again once they are locked", async () => {
      const { eventId, deliveryId } = await failedDelivery("Redelivered meanwhile");
      const { prisma } = gatehouse.server.db;
      // Between the lock and the delete, a new pending delivery of the event becomes visible (what a
      // redelivery committed just before the lock looks like to the delete).
      await deleteExpiredAuditEvents(prisma, before(), undefined, async (tx) => {
        await tx.webhookDelivery.create({ data: { endpointId: (await tx.webhookDelivery.findFirstOrThrow({ where: { eventId } })).endpointId, eventId } });
      });
      expect(await prisma.auditEvent.count({ where: { id: eventId } })).toBe(1);
      expect(await prisma.webhookDelivery.count({ where: { eventId, status: "PENDING" } })).toBe(1);
      expect(await prisma.webhookDelivery.count({ where: { id: BigInt(deliveryId) } })).toBe(1);
    });

    it("keeps an event redelivered before retention runs, with its new delivery", async () => {
      const { eventId, deliveryId } = await failedDelivery("Redelivered first");
      expect(ok(await gql<{ redeliverWebhookDelivery: { status: string } }>(REDELIVER, { id: deliveryId })).redeliverWebhookDelivery.status).toBe("PENDING");
      const { prisma } = gatehouse.server.db;
      await deleteExpiredAuditEvents(prisma, before());
      expect(await prisma.auditEvent.count({ where: { id: eventId } })).toBe(1);
      expect(await prisma.webhookDelivery.count({ where: { eventId, status: "PENDING" } })).toBe(1);
    });

    // Concurrent transactions exist only on PostgreSQL (the embedded database has one connection).
    it.runIf(testBackend === "postgres")("answers NOT_FOUND to a redelivery that waited for retention's lock on its event, which is deleted", async () => {
      const { eventId, deliveryId } = await failedDelivery("Redelivered during the delete");
      const { prisma } = gatehouse.server.db;
      const waitingForRowLock = async () => {
        const [row] = await prisma.$queryRaw<{ count: bigint }[]>`
          SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype IN ('transactionid', 'tuple')
          AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`;
        return Number(row!.count);
      };
      let redelivery: ReturnType<typeof gql> | undefined;
      await deleteExpiredAuditEvents(prisma, before(), undefined, async () => {
        // Retention holds the event: the redelivery waits for it (no sleep: the wait is seen in pg_locks).
        redelivery = gql(REDELIVER, { id: deliveryId });
        await vi.waitFor(async () => expect(await waitingForRowLock()).toBeGreaterThanOrEqual(1), { timeout: 30_000 });
      });
      refused(await redelivery!, "NOT_FOUND", "id");
      expect(await prisma.auditEvent.count({ where: { id: eventId } })).toBe(0);
    });
  });

  it("deletes a bounded batch per statement, oldest first, and a run goes on until none is left", async () => {
    const { prisma } = gatehouse.server.db;
    const count = RETENTION_BATCH * 2 + 500;
    await prisma.$executeRaw`INSERT INTO "audit_events" ("actor", "action", "target_type", "data", "data_version", "at")
      SELECT 'anonymous', 'token.denied', 'token', '{"grantType":null,"error":"invalid_client"}'::jsonb, 1, now() - interval '100 days' - n * interval '1 second'
      FROM generate_series(1, ${count}) AS n`;
    const before = new Date(Date.now() - 30 * DAY_MS);
    const old = { at: { lt: before }, action: "token.denied" };
    const newest = await prisma.auditEvent.findFirstOrThrow({ where: old, orderBy: { at: "desc" } });
    expect(await deleteExpiredAuditEvents(prisma, before)).toBe(RETENTION_BATCH);
    // The oldest went first: row n was n seconds older than row 1, and rows 1 … count − batch are left.
    const oldestLeft = await prisma.auditEvent.findFirstOrThrow({ where: old, orderBy: { at: "asc" } });
    expect(newest.at.getTime() - oldestLeft.at.getTime()).toBe((count - RETENTION_BATCH - 1) * 1000);
    expect(await gatehouse.server.auditRetention.run()).toBe(count - RETENTION_BATCH);
    expect(await prisma.auditEvent.count({ where: old })).toBe(0);
  });
});
