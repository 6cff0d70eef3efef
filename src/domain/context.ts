// What every domain operation receives: the database, and who acts (for the audit trail).
import type { Prisma, PrismaClient } from "../db/index.js";
import { type EventInput, recordAudits } from "./audit.js";

export interface DomainContext {
  prisma: PrismaClient;
  /** `application:<id>`, `user:<id>` or `cli`. */
  actor: string;
}

export type Transaction = Prisma.TransactionClient;

/**
 * Runs `work` in one transaction and records its audit event (or events) in the same one: a
 * change and its trail commit together or not at all. Committed audit events are also the change
 * feed subscriptions stream (see src/changes.ts).
 */
export async function change<T>(
  context: DomainContext,
  work: (tx: Transaction) => Promise<T>,
  audit: (result: T) => EventInput | EventInput[],
): Promise<T> {
  return context.prisma.$transaction(async (tx) => {
    const result = await work(tx);
    const events = [audit(result)].flat();
    await recordAudits(tx, events.map((event) => ({ actor: context.actor, ...event })));
    return result;
  });
}

/** Locks a row for the rest of the transaction, so concurrent replace-set changes serialize. */
export async function lockRow(tx: Transaction, table: LockableTable, id: string): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "${table}" WHERE id = $1 FOR UPDATE`, id);
  return rows.length > 0;
}

export type LockableTable = "organization_roles" | "organizations" | "roles" | "users" | "applications" | "organization_invitations";
