// The audit trail: every mutation and every token grant or denial, each an event of the catalogue
// (src/domain/events.ts), which gives its target type and the version of its data's shape.
import type { Database, FixedStatement } from "../db/index.js";
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
 * The audit-only INSERT: one fixed text whatever the number of rows (each column an array), so
 * that PostgreSQL prepares it once per connection. Prisma's `createMany` compiled a new query plan
 * for every batch size (12% of the token endpoint's CPU), and its raw-query path cost another 6%
 * per batch (docs/performance.md).
 */
const INSERT_AUDIT_ONLY: FixedStatement = {
  name: "gatehouse_insert_audit_only",
  sql:
    'INSERT INTO "public"."audit_events" ("actor", "action", "target_type", "target_id", "organization_id", "data", "data_version") ' +
    'SELECT "actor", "action", "target_type", "target_id", "organization_id", "data"::jsonb, "data_version" ' +
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int2[]) " +
    'AS "row" ("actor", "action", "target_type", "target_id", "organization_id", "data", "data_version")',
};

/**
 * Records audit-only events (token grants and denials) in one INSERT. They take no feed position,
 * so they need no transaction and never wait for the feed lock.
 */
export async function recordAuditOnly(db: Pick<Database, "execute">, input: AuditOnlyEventInput[]): Promise<void> {
  if (input.length === 0) return;
  const columns: [string[], string[], (string | null)[], (string | null)[], (string | null)[], string[], number[]] = [[], [], [], [], [], [], []];
  for (const event of input) {
    const row = auditRow(event, null);
    columns[0].push(row.actor);
    columns[1].push(row.action);
    columns[2].push(row.targetType);
    columns[3].push(row.targetId);
    columns[4].push(row.organizationId);
    columns[5].push(JSON.stringify(row.data));
    columns[6].push(row.dataVersion);
  }
  await db.execute(INSERT_AUDIT_ONLY, columns);
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

/** An event's row: what the caller gave, and what its catalogue entry says (target type, data version). */
function auditRow(event: AuditEventInput, feedPosition: bigint | null) {
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
