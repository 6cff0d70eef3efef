// The audit trail: every mutation and every token grant or denial, each an event of the catalogue
// (src/domain/events.ts), which gives its target type and the version of its data's shape.
import type { PrismaClient } from "../db/index.js";
import { Prisma } from "../generated/prisma/client.js";
import { type EventData, type EventType, events, isFeedEvent } from "./events.js";

/** One event as a change gives it: the catalogue adds its target type and data version. */
export type EventInput = {
  [T in EventType]: { action: T; targetId?: string; organizationId?: string; data: EventData<T> };
}[EventType];

export type AuditEventInput = EventInput & {
  /** Who acted: `user:<id>`, `application:<id>`, `cli`, or `anonymous`. */
  actor: string;
};

/** Token grants and denials: the catalogue's audit-only events, which have no place in the feed. */
type AuditOnlyAction = { [T in EventType]: (typeof events)[T]["audience"] extends "audit" ? T : never }[EventType];

export type AuditOnlyEventInput = AuditEventInput & { action: AuditOnlyAction };

/**
 * Records audit-only events (token grants and denials) in one INSERT. They take no feed position,
 * so they need no transaction and never wait for the feed lock. Raw SQL rather than `createMany`:
 * the token endpoint writes them in batches of varying size, and Prisma compiled a new query plan
 * for every size (12% of the endpoint's CPU in a profile).
 */
export async function recordAuditOnly(prisma: PrismaClient, input: AuditOnlyEventInput[]): Promise<void> {
  if (input.length === 0) return;
  const rows = input.map((event) => {
    const row = auditRow(event, null);
    return Prisma.sql`(${row.actor}, ${row.action}, ${row.targetType}, ${row.targetId}, ${row.organizationId}, ${JSON.stringify(row.data)}::jsonb, ${row.dataVersion})`;
  });
  await prisma.$executeRaw`INSERT INTO "public"."audit_events" ("actor", "action", "target_type", "target_id", "organization_id", "data", "data_version") VALUES ${Prisma.join(rows)}`;
}

export async function recordAudit(tx: Prisma.TransactionClient, event: AuditEventInput): Promise<void> {
  await recordAudits(tx, [event]);
}

/**
 * Several events in one statement, in a transaction, as its last step (`change()` does this).
 * Feed events (all but the catalogue's audit-only ones) take their feed positions first, under
 * the feed lock that the transaction then holds until it commits (migration
 * 20261203110000_feed_positions): so positions become visible in commit order, and the lock
 * serializes only the end of each transaction. Outside a transaction the lock would end with the
 * statement that takes it, before the events commit: never call this with the bare client.
 */
export async function recordAudits(tx: Prisma.TransactionClient, input: AuditEventInput[]): Promise<void> {
  if (input.length === 0) return;
  const feedCount = input.filter((event) => isFeedEvent(event.action)).length;
  const positions = feedCount === 0 ? [] : await claimFeedPositions(tx, feedCount);
  await tx.auditEvent.createMany({
    data: input.map((event) => auditRow(event, isFeedEvent(event.action) ? positions.shift()! : null)),
  });
}

/**
 * Takes the feed lock for the rest of the transaction (again, if already taken), for events that
 * SQL writes itself, drawing positions with `nextval('"audit_events_feed_position_seq"')`
 * (src/domain/template-effects.ts). Take it as the last step, like `recordAudits`: a row lock
 * taken after it could be held by a transaction that waits for it (a deadlock).
 */
export async function lockFeed(tx: Prisma.TransactionClient): Promise<void> {
  await claimFeedPositions(tx, 0);
}

/** `count` feed positions, in increasing order, under the feed lock (held until the transaction ends). */
async function claimFeedPositions(tx: Prisma.TransactionClient, count: number): Promise<bigint[]> {
  const rows = await tx.$queryRaw<{ position: bigint }[]>`SELECT "gatehouse_claim_feed_positions"(${count}::integer) AS "position"`;
  return rows.map((row) => BigInt(row.position)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function auditRow(event: AuditEventInput, feedPosition: bigint | null): Prisma.AuditEventCreateManyInput & Prisma.AuditEventCreateInput {
  const definition = events[event.action];
  return {
    actor: event.actor,
    action: event.action,
    targetType: definition.targetType,
    targetId: event.targetId ?? null,
    organizationId: event.organizationId ?? null,
    dataVersion: definition.version,
    data: event.data as Prisma.InputJsonObject,
    feedPosition,
  };
}

/**
 * An event whose action is one of several with the same data shape (a user's or an application's
 * `organization.*_roles_assigned`, …): TypeScript cannot pair a union of actions with their data
 * by itself.
 */
export function eventOf<T extends EventType>(action: T, fields: Omit<EventInput, "action" | "data"> & { data: EventData<T> }): EventInput {
  return { action, ...fields } as EventInput;
}
