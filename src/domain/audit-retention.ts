// Audit retention (docs/events.md): audit events older than GATEHOUSE_AUDIT_RETENTION_DAYS are
// deleted, a bounded batch per transaction (locked, then deleted), oldest first, by every process
// now and then; replicas skip each other's locked rows instead of waiting. Two things are never
// lost to it:
// - an event a webhook delivery still waits to send (a PENDING delivery keeps its event; the
//   webhook retention, GATEHOUSE_WEBHOOK_RETENTION_HOURS, ends such a delivery first);
// - a change-feed reader's place: the statement that deletes feed events raises the feed's horizon
//   (`feed_horizon`, migration 20261204130000) to the highest position it deleted, and a cursor
//   before the horizon is refused with CURSOR_EXPIRED (src/changes.ts `assertRetained`) instead of
//   reading on past a gap.
import { setImmediate as yieldToRequests } from "node:timers/promises";
import type { Prisma, PrismaClient } from "../db/index.js";
import type { Logger } from "../logger.js";

/** Rows one statement deletes at most: a short transaction, so requests wait little for the database. */
export const RETENTION_BATCH = 1000;
/** Batches one run deletes at most; the rest waits for the next run. */
const MAX_BATCHES_PER_RUN = 100;
/** How often a process looks for events past retention. */
const RETENTION_INTERVAL_MS = 10 * 60_000;
/** The first look, a little after start (not during start-up's own work). */
const FIRST_RUN_MS = 60_000;

/**
 * Deletes up to `limit` audit events recorded before `before` whose webhook deliveries are not
 * pending, and raises the feed's horizon past the feed events among them. Returns how many it
 * deleted.
 *
 * Two statements in one transaction, because one cannot be safe against a redelivery
 * (`redeliverWebhookDelivery` queues a new PENDING delivery of an old event): a single statement
 * checks "no pending delivery" in the snapshot it started with, and a redelivery that commits
 * after that snapshot but before the statement locks the event is not seen, so the delete would
 * cascade to the new delivery and lose it. So: first lock the candidates (FOR UPDATE, which a new
 * delivery's foreign-key check must wait for, and SKIP LOCKED past events a redelivery or another
 * replica holds), then delete those whose deliveries are still not pending, checked in the
 * second statement's newer snapshot: every redelivery committed before the lock is seen there, and
 * every later one waits for this transaction and then finds its event gone (NOT_FOUND).
 * `afterLock` runs between the two statements (tests order a redelivery there).
 */
export async function deleteExpiredAuditEvents(
  prisma: PrismaClient,
  before: Date,
  limit = RETENTION_BATCH,
  afterLock?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: bigint }[]>`
      SELECT e."id" FROM "audit_events" e
      WHERE e."at" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "webhook_deliveries" d WHERE d."event_id" = e."id" AND d."status" = 'PENDING')
      ORDER BY e."at"
      LIMIT ${limit}
      FOR UPDATE OF e SKIP LOCKED`;
    if (locked.length === 0) return 0;
    await afterLock?.(tx);
    // The ids as one text parameter cast to an array: the same on both databases' drivers.
    const ids = `{${locked.map((row) => row.id.toString()).join(",")}}`;
    const [row] = await tx.$queryRaw<{ deleted: number }[]>`
      WITH "deleted" AS (
        DELETE FROM "audit_events" e
        WHERE e."id" = ANY(CAST(${ids} AS BIGINT[]))
          AND NOT EXISTS (SELECT 1 FROM "webhook_deliveries" d WHERE d."event_id" = e."id" AND d."status" = 'PENDING')
        RETURNING e."feed_position"
      ), "horizon" AS (
        UPDATE "feed_horizon"
        SET "position" = GREATEST("position", (SELECT max("feed_position") FROM "deleted")), "updated_at" = now()
        WHERE "id" = 1 AND EXISTS (SELECT 1 FROM "deleted" WHERE "feed_position" IS NOT NULL)
      )
      SELECT count(*)::integer AS "deleted" FROM "deleted"`;
    return row?.deleted ?? 0;
  });
}

export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    /** The background client: retention's statements are not a request's. */
    private readonly prisma: PrismaClient,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  /** Runs now and then until `stop`. */
  start(): void {
    this.schedule(FIRST_RUN_MS);
  }

  /**
   * Deletes the events past retention, a batch at a time, yielding between batches (on the
   * embedded database a statement holds the only connection); returns how many.
   */
  run(now = new Date()): Promise<number> {
    this.running ??= this.deleteExpired(now).finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async deleteExpired(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.retentionDays * 86_400_000);
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stopped; batch++) {
      const deleted = await deleteExpiredAuditEvents(this.prisma, before);
      total += deleted;
      if (deleted < RETENTION_BATCH) break;
      await yieldToRequests();
    }
    if (total > 0) this.logger.info({ deleted: total, retentionDays: this.retentionDays }, "audit events past retention deleted");
    return total;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.run()
        .catch((error: unknown) => this.logger.warn({ err: error }, "audit retention: deleting old events failed; trying again later"))
        .finally(() => this.schedule(RETENTION_INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }
}
