// The change feed. Every committed change is an audit event, and every feed event (all but the
// catalogue's audit-only ones) has a position in commit order (`feed_position`, migration
// 20261203110000_feed_positions): reading `position > cursor` never skips a transaction that
// committed late. The table is the truth; NOTIFY (from a trigger) is only a doorbell telling each
// replica, whichever replica made the change, that there is more to read. So a notification lost
// while the listening connection was down costs nothing: after reconnecting, the process reads
// from its last position. Subscriptions, the `changes` connection and the signing-key cache read
// from here.
import { Repeater } from "graphql-yoga";
import type { Database, Prisma, PrismaClient } from "./db/index.js";
import { GatehouseError } from "./errors.js";
import type { Logger } from "./logger.js";

export const CHANGES_CHANNEL = "gatehouse_changes";
export const SIGNING_KEYS_CHANNEL = "gatehouse_signing_keys";

/** One committed change of the feed. */
export interface Change {
  /** Its place in the feed: commit order. */
  position: bigint;
  /** The audit event's id. */
  id: string;
  at: Date;
  /** The event's type, from the catalogue (src/domain/events.ts): `organization.user_roles_assigned`, … */
  action: string;
  organizationId: string | null;
  targetType: string | null;
  targetId: string | null;
  /** The version of `data`'s shape (docs/events.md). */
  version: number;
  data: Record<string, unknown>;
}

/** Which changes a reader wants: exact matches, as data, so that SQL and a live stream apply the same filter. */
export interface ChangeFilter {
  /** Event types (omitted: every type of the feed). */
  actions?: readonly string[];
  /** One organization's changes only. */
  organizationId?: string;
  /** Several alternatives (any one): an organization token's own organization's events, or the template's. */
  anyOf?: readonly ChangeFilter[];
}

/** An opaque cursor for a position: `changes(after:)` and subscriptions' `after:` take it back. */
export function cursorOf(position: bigint): string {
  return Buffer.from(`feed:${position}`).toString("base64url");
}

/** The position a cursor names; undefined for anything that is not one of ours. */
export function positionOf(cursor: string): bigint | undefined {
  const match = /^feed:(0|[1-9]\d{0,18})$/.exec(Buffer.from(cursor, "base64url").toString());
  return match ? BigInt(match[1]!) : undefined;
}

export function matchesFilter(change: Change, filter: ChangeFilter): boolean {
  if (filter.anyOf) return filter.anyOf.some((alternative) => matchesFilter(change, alternative));
  return (filter.actions === undefined || filter.actions.includes(change.action)) && (filter.organizationId === undefined || change.organizationId === filter.organizationId);
}

function whereOf(filter: ChangeFilter): Prisma.AuditEventWhereInput {
  if (filter.anyOf) return { OR: filter.anyOf.map(whereOf) };
  return { ...(filter.actions === undefined ? {} : { action: { in: [...filter.actions] } }), ...(filter.organizationId === undefined ? {} : { organizationId: filter.organizationId }) };
}

/** Up to `limit` changes after `after` that match `filter`, in commit order. */
export async function readChanges(prisma: PrismaClient, filter: ChangeFilter, after: bigint, limit: number): Promise<Change[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { feedPosition: { gt: after }, ...whereOf(filter) },
    orderBy: { feedPosition: "asc" },
    take: limit,
  });
  return rows.map(changeOf);
}

/** The newest position committed: every change up to it is committed (or rolled back, never to come). */
export async function lastPosition(prisma: PrismaClient): Promise<bigint> {
  const { _max } = await prisma.auditEvent.aggregate({ _max: { feedPosition: true } });
  return _max.feedPosition ?? 0n;
}

/**
 * The change feed's horizon: the highest position audit retention has deleted (0: none yet). Every
 * change after it is kept (src/domain/audit-retention.ts).
 */
export async function feedHorizon(prisma: PrismaClient): Promise<bigint> {
  const row = await prisma.feedHorizon.findUnique({ where: { id: 1 }, select: { position: true } });
  return row?.position ?? 0n;
}

/**
 * Refuses a cursor that retention has passed: changes after it may be gone, and reading on would
 * skip them without a word. Call it after reading from the cursor: retention raises the horizon in
 * the statement that deletes, so a deletion the read could have missed is seen here.
 */
export async function assertRetained(prisma: PrismaClient, after: bigint): Promise<void> {
  if (after >= (await feedHorizon(prisma))) return;
  throw await cursorExpired(prisma);
}

/** CURSOR_EXPIRED, with the cursor to read on after once the reader has resynced. */
async function cursorExpired(prisma: PrismaClient): Promise<GatehouseError> {
  return new GatehouseError(
    "CURSOR_EXPIRED",
    "The cursor is older than the change feed keeps (GATEHOUSE_AUDIT_RETENTION_DAYS): changes after it were deleted. " +
      "Resync: read the state you keep again, then read on after `details.currentCursor`.",
    { field: "after", details: { currentCursor: cursorOf(await lastPosition(prisma)) } },
  );
}

function changeOf(row: Awaited<ReturnType<PrismaClient["auditEvent"]["findMany"]>>[number]): Change {
  return {
    position: row.feedPosition!,
    id: row.id.toString(),
    at: row.at,
    action: row.action,
    organizationId: row.organizationId,
    targetType: row.targetType,
    targetId: row.targetId,
    version: row.dataVersion,
    // recordAudit only ever writes JSON objects.
    data: row.data as Record<string, unknown>,
  };
}

/** Rows read per statement, by the process's reader and by a resuming subscription. */
const PAGE = 500;
/** Changes one consumer may have waiting before its stream ends (it can resume from its cursor). */
const MAX_BEHIND = 1000;

type Listener = (change: Change) => void;

export class ChangeFeed {
  /** Each open subscription's listener, and the function that ends it. */
  private readonly subscriptions = new Map<Listener, (error?: unknown) => void>();
  private readonly signingKeyListeners = new Set<() => void>();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private started = 0;
  /** The highest position handed to the listeners, or known committed while none listened. */
  private last = 0n;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  /** Listens on the database's change channels until `close`. */
  static async start(db: Database, logger: Logger): Promise<ChangeFeed> {
    const feed = new ChangeFeed(db.prisma, logger);
    feed.stops.push(await db.notifications.listen(CHANGES_CHANNEL, (payload) => feed.receive(payload)));
    feed.stops.push(await db.notifications.listen(SIGNING_KEYS_CHANNEL, () => feed.signingKeysChanged()));
    // Listening first, then reading where the feed is: nothing committed in between is missed.
    feed.last = await lastPosition(db.prisma);
    // Notifications sent while the listening connection was down are lost: read on from the last
    // position, and reload what is cached.
    feed.stops.push(
      db.notifications.onReconnect(() => {
        feed.wake();
        feed.signingKeysChanged();
      }),
    );
    return feed;
  }

  /** How many subscriptions are open in this process. */
  get subscribers(): number {
    return this.subscriptions.size;
  }

  /** How many subscriptions this process has started, ended ones included. */
  get subscriptionsStarted(): number {
    return this.started;
  }

  /** The position of the last change this process has read (or knows committed). */
  get position(): bigint {
    return this.last;
  }

  /** Calls `listener` whenever any replica changes the signing keys. */
  onSigningKeysChanged(listener: () => void): () => void {
    this.signingKeyListeners.add(listener);
    return () => this.signingKeyListeners.delete(listener);
  }

  /**
   * The changes that match `filter`, in commit order, until the consumer stops or the feed
   * closes: from now on, or, given `after`, every one after that position first (read from the
   * table), then live, each exactly once.
   */
  changes(filter: ChangeFilter, after?: bigint): AsyncIterableIterator<Change> {
    return new Repeater<Change>(async (push, stop) => {
      let delivered = after ?? -1n;
      let catchingUp = after !== undefined;
      const waiting: Change[] = [];
      const overflow = (change: Change) => {
        // Too many changes queued for one consumer: end its stream rather than grow without
        // bound. It can resume from the last cursor it received.
        this.logger.warn({ action: change.action }, "a subscriber fell too far behind; ending its stream");
        stop();
      };
      const deliver = (change: Change) => {
        if (change.position <= delivered) return;
        delivered = change.position;
        try {
          push(change).catch(() => undefined);
        } catch {
          overflow(change);
        }
      };
      const listener: Listener = (change) => {
        if (!matchesFilter(change, filter)) return;
        if (!catchingUp) return deliver(change);
        if (waiting.length >= MAX_BEHIND) return overflow(change);
        waiting.push(change);
      };
      // Listening before reading: a change the process reads from now on reaches `waiting`, and
      // every earlier one is committed, so the reads below see it. Positions de-duplicate.
      this.subscriptions.set(listener, stop);
      this.started++;
      let stopped = false;
      void stop.then(() => {
        stopped = true;
      });
      try {
        while (catchingUp && !stopped) {
          const page = await readChanges(this.prisma, filter, delivered, PAGE);
          await assertRetained(this.prisma, delivered);
          for (const change of page) {
            if (stopped) break;
            delivered = change.position;
            // Waits for the consumer: a long replay is read a page at a time, as it is taken.
            await push(change);
          }
          if (page.length < PAGE) catchingUp = false;
        }
        for (const change of waiting.splice(0)) deliver(change);
      } catch (error) {
        stop(error);
      }
      await stop;
      this.subscriptions.delete(listener);
    });
  }

  /** Ends every open subscription (on shutdown) and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const stop of this.subscriptions.values()) stop();
    for (const stop of this.stops.splice(0)) await stop();
    await this.reading;
  }

  private receive(payload: string): void {
    let position: bigint;
    try {
      position = BigInt((JSON.parse(payload) as { position: string }).position);
    } catch (error) {
      this.logger.warn({ err: error, payload }, "unreadable change notification");
      return;
    }
    // No one listens: remember how far the feed is (every position up to a committed one is
    // committed or gone), without reading it.
    if (this.subscriptions.size === 0 && !this.reading) {
      if (position > this.last) this.last = position;
      return;
    }
    this.wake();
  }

  /** Reads the feed on from the last position, one read at a time; a wake-up during a read reads again after it. */
  private wake(): void {
    if (this.closed) return;
    this.readAgain = true;
    this.reading ??= this.readOn();
  }

  private async readOn(): Promise<void> {
    try {
      while (this.readAgain && !this.closed) {
        this.readAgain = false;
        // Read even with no one listening (after a reconnect): jumping to the newest position
        // instead could pass over a change committed as a subscriber arrives.
        for (;;) {
          const from = this.last;
          const page = await readChanges(this.prisma, {}, from, PAGE);
          if (this.subscriptions.size > 0 && from < (await feedHorizon(this.prisma))) {
            // Retention deleted changes after `from` before this process read them (it read nothing
            // for longer than the retention period: notifications lost, the database away). Every
            // open stream would skip them without a word: each ends with CURSOR_EXPIRED, as a
            // reader resuming from before the horizon does, and resumes after resyncing.
            const expired = await cursorExpired(this.prisma);
            this.logger.warn({ position: from.toString() }, "the change feed's horizon passed this process's reader; ending open subscriptions with CURSOR_EXPIRED");
            for (const stop of this.subscriptions.values()) stop(expired);
            this.subscriptions.clear();
            this.last = page.at(-1)?.position ?? from;
            if (page.length < PAGE || this.closed) break;
            continue;
          }
          for (const change of page) {
            this.last = change.position;
            for (const listener of this.subscriptions.keys()) listener(change);
          }
          if (page.length < PAGE || this.closed) break;
        }
      }
    } catch (error) {
      // The database is unreachable for a moment: try again (a later notification would too).
      this.logger.warn({ err: error }, "could not read the change feed; retrying");
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.wake(), 1000);
      this.retryTimer.unref();
    } finally {
      // No await between the loop's last check and here: a wake-up either ran the loop again or comes after this.
      this.reading = undefined;
    }
  }

  private signingKeysChanged(): void {
    for (const listener of this.signingKeyListeners) listener();
  }
}
