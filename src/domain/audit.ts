// The audit trail: every mutation and every token grant or denial, each an event of the catalogue
// (src/domain/events.ts), which gives its target type and the version of its data's shape.
import type { Prisma, PrismaClient } from "../db/index.js";
import { type EventData, type EventType, events } from "./events.js";

/** One event as a change gives it: the catalogue adds its target type and data version. */
export type EventInput = {
  [T in EventType]: { action: T; targetId?: string; organizationId?: string; data: EventData<T> };
}[EventType];

export type AuditEventInput = EventInput & {
  /** Who acted: `user:<id>`, `application:<id>`, `cli`, or `anonymous`. */
  actor: string;
};

type AuditWriter = Pick<PrismaClient, "auditEvent"> | Prisma.TransactionClient;

export async function recordAudit(prisma: AuditWriter, event: AuditEventInput): Promise<void> {
  await recordAudits(prisma, [event]);
}

/** Several events in one statement. */
export async function recordAudits(prisma: AuditWriter, input: AuditEventInput[]): Promise<void> {
  if (input.length === 0) return;
  await prisma.auditEvent.createMany({ data: input.map(auditRow) });
}

function auditRow(event: AuditEventInput): Prisma.AuditEventCreateManyInput {
  const definition = events[event.action];
  return {
    actor: event.actor,
    action: event.action,
    targetType: definition.targetType,
    targetId: event.targetId ?? null,
    organizationId: event.organizationId ?? null,
    dataVersion: definition.version,
    data: event.data as Prisma.InputJsonObject,
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
