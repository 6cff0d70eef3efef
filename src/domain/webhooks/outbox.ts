// The webhook outbox: one delivery row per (event, matching endpoint), written by the statement
// that records the event (the webhooks migration's trigger), so in the change's own transaction.
// Delivery workers of any number of replicas share it: each claims due rows with
// `FOR UPDATE SKIP LOCKED` in one short statement (a lease: the row is due again only when the
// lease ends), calls the endpoint outside any transaction, then records the result in another
// short transaction that holds only if the lease is still its own. A worker that dies mid-call
// leaves the row to be claimed again when its lease ends: delivery is at least once.
import type { Prisma, PrismaClient } from "../../db/index.js";
import { recordAudit } from "../audit.js";
import type { Transaction } from "../context.js";

/** The channel that wakes delivery workers (NOTIFY from the trigger, and from here). */
export const WEBHOOKS_CHANNEL = "gatehouse_webhooks";

/** Who acts when Gatehouse itself changes an endpoint (disabling a failing one). */
export const WEBHOOK_WORKER_ACTOR = "system:webhooks";

/** A claimed delivery: its event and where it goes. */
export interface DeliveryJob {
  id: bigint;
  claim: string;
  /** Attempts so far, this one included. */
  attempts: number;
  endpointId: string;
  url: string;
  secretEncrypted: string;
  event: {
    id: bigint;
    at: Date;
    actor: string;
    action: string;
    organizationId: string | null;
    targetType: string | null;
    targetId: string | null;
    dataVersion: number;
    data: Prisma.JsonValue;
    /** Its position in the change feed (null for events recorded before the feed had positions). */
    feedPosition: bigint | null;
  };
}

interface ClaimedRow {
  id: bigint;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret_encrypted: string;
  event_id: bigint;
  at: Date;
  actor: string;
  action: string;
  organization_id: string | null;
  target_type: string | null;
  target_id: string | null;
  data_version: number;
  data: Prisma.JsonValue;
  feed_position: bigint | null;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs`, oldest due first. One
 * statement, so one short transaction; rows another worker holds are skipped, not waited for.
 */
export async function claimDueDeliveries(prisma: PrismaClient, options: { limit: number; leaseMs: number; claim: string }): Promise<DeliveryJob[]> {
  const rows = await prisma.$queryRaw<ClaimedRow[]>`
    WITH due AS (
      SELECT d."id" FROM "webhook_deliveries" d
      JOIN "webhook_endpoints" e ON e."id" = d."endpoint_id" AND e."enabled"
      WHERE d."status" = 'PENDING' AND d."next_attempt_at" <= now()
      ORDER BY d."next_attempt_at", d."id"
      LIMIT ${options.limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "webhook_deliveries" d
    SET "attempts" = d."attempts" + 1, "claim" = ${options.claim}, "last_attempt_at" = now(),
        "next_attempt_at" = now() + make_interval(secs => ${options.leaseMs / 1000})
    FROM due, "webhook_endpoints" e, "audit_events" a
    WHERE d."id" = due."id" AND e."id" = d."endpoint_id" AND a."id" = d."event_id"
    RETURNING d."id", d."attempts", e."id" AS endpoint_id, e."url", e."secret_encrypted", a."id" AS event_id, a."at",
              a."actor", a."action", a."organization_id", a."target_type", a."target_id", a."data_version"::int, a."data", a."feed_position"`;
  return rows.map((row) => ({
    id: row.id,
    claim: options.claim,
    attempts: row.attempts,
    endpointId: row.endpoint_id,
    url: row.url,
    secretEncrypted: row.secret_encrypted,
    event: {
      id: row.event_id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      organizationId: row.organization_id,
      targetType: row.target_type,
      targetId: row.target_id,
      dataVersion: row.data_version,
      data: row.data,
      feedPosition: row.feed_position,
    },
  }));
}

/** The endpoint answered 2xx: the delivery is done and the endpoint's failure count restarts. */
export async function recordDelivered(prisma: PrismaClient, job: DeliveryJob, statusCode: number): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ id: bigint }[]>`
    WITH done AS (
      UPDATE "webhook_deliveries"
      SET "status" = 'DELIVERED', "claim" = NULL, "next_attempt_at" = NULL, "delivered_at" = now(),
          "last_status_code" = ${statusCode}, "last_error" = NULL
      WHERE "id" = ${job.id} AND "claim" = ${job.claim}
      RETURNING "id", "endpoint_id"
    ), reset AS (
      UPDATE "webhook_endpoints" e SET "consecutive_failures" = 0
      FROM done WHERE e."id" = done."endpoint_id" AND e."consecutive_failures" <> 0
    )
    SELECT "id" FROM done`;
  return rows.length > 0;
}

export interface FailedAttempt {
  statusCode: number | null;
  error: string;
  /** When to try again; null: no attempts left, the delivery failed. */
  retryAt: Date | null;
  /** Failed attempts in a row after which the endpoint is disabled. */
  disableAfter: number;
}

export type FailureOutcome = "retrying" | "failed" | "lost";

/**
 * The attempt failed: schedule the next one (or mark the delivery failed), count the failure
 * against the endpoint, and disable the endpoint — with a catalogue event — once it has failed
 * `disableAfter` times in a row. One short transaction. `lost`: the lease was no longer ours.
 */
export async function recordFailure(prisma: PrismaClient, job: DeliveryJob, attempt: FailedAttempt): Promise<{ outcome: FailureOutcome; disabled: boolean }> {
  return prisma.$transaction(async (tx) => {
    const updated = await tx.$executeRaw`
      UPDATE "webhook_deliveries"
      SET "status" = ${attempt.retryAt ? "PENDING" : "FAILED"}::"webhook_delivery_status", "claim" = NULL,
          "next_attempt_at" = ${attempt.retryAt}, "last_status_code" = ${attempt.statusCode}, "last_error" = ${attempt.error.slice(0, 512)}
      WHERE "id" = ${job.id} AND "claim" = ${job.claim}`;
    if (updated === 0) return { outcome: "lost" as const, disabled: false };
    const outcome = attempt.retryAt ? ("retrying" as const) : ("failed" as const);
    // A disabled endpoint's count stays where disabling it left it (an attempt may end after that).
    const [endpoint] = await tx.$queryRaw<{ consecutive_failures: number }[]>`
      UPDATE "webhook_endpoints" SET "consecutive_failures" = "consecutive_failures" + 1
      WHERE "id" = ${job.endpointId} AND "enabled" RETURNING "consecutive_failures"`;
    if (!endpoint || endpoint.consecutive_failures < attempt.disableAfter) return { outcome, disabled: false };
    await disableFailingEndpoint(tx, job.endpointId, endpoint.consecutive_failures);
    return { outcome, disabled: true };
  });
}

async function disableFailingEndpoint(tx: Transaction, endpointId: string, consecutiveFailures: number): Promise<void> {
  await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { enabled: false, disabledReason: "failing" } });
  await recordAudit(tx, {
    actor: WEBHOOK_WORKER_ACTOR,
    action: "webhook_endpoint.disabled",
    targetId: endpointId,
    data: { reason: "failing", consecutiveFailures },
  });
}

/** Gives claimed deliveries back, due now and not counted as attempted (the worker is stopping). */
export async function releaseDeliveries(prisma: PrismaClient, jobs: DeliveryJob[]): Promise<void> {
  for (const job of jobs) {
    await prisma.$executeRaw`
      UPDATE "webhook_deliveries" SET "claim" = NULL, "next_attempt_at" = now(), "attempts" = "attempts" - 1
      WHERE "id" = ${job.id} AND "claim" = ${job.claim}`;
  }
}

/**
 * In how many milliseconds the earliest pending delivery of an enabled endpoint is due (0 or less:
 * due now), by the database's clock, which is the one claims use; null when none is pending.
 */
export async function nextDueInMs(prisma: PrismaClient): Promise<number | null> {
  const [row] = await prisma.$queryRaw<{ ms: number | null }[]>`
    SELECT (extract(epoch FROM min(d."next_attempt_at") - now()) * 1000)::float8 AS ms FROM "webhook_deliveries" d
    JOIN "webhook_endpoints" e ON e."id" = d."endpoint_id" AND e."enabled"
    WHERE d."status" = 'PENDING'`;
  return row?.ms ?? null;
}

export interface QueueStats {
  /** Pending deliveries (to enabled endpoints or not). */
  depth: number;
  /** Age of the oldest pending delivery, in seconds; 0 when none. */
  oldestPendingSeconds: number;
}

export async function queueStats(prisma: PrismaClient): Promise<QueueStats> {
  const [row] = await prisma.$queryRaw<{ depth: bigint; oldest: number | null }[]>`
    SELECT count(*) AS depth, extract(epoch FROM now() - min("created_at"))::float8 AS oldest
    FROM "webhook_deliveries" WHERE "status" = 'PENDING'`;
  return { depth: Number(row?.depth ?? 0), oldestPendingSeconds: Math.max(0, row?.oldest ?? 0) };
}

/**
 * Deletes deliveries created before `before`, pending ones included (an endpoint disabled that
 * long), in batches of `batch` rows, each its own short statement. Returns how many went.
 */
export async function purgeDeliveries(prisma: PrismaClient, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRaw`
      DELETE FROM "webhook_deliveries" WHERE "id" IN (
        SELECT "id" FROM "webhook_deliveries" WHERE "created_at" < ${before} ORDER BY "created_at" LIMIT ${batch})`;
    total += deleted;
    if (deleted < batch) return total;
  }
}

/** Wakes every replica's delivery worker once the transaction commits. */
export async function wakeDeliveryWorkers(tx: Transaction): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${WEBHOOKS_CHANNEL}, '')`;
}
