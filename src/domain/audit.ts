// The audit trail: every mutation and every token grant or denial.
import type { Prisma, PrismaClient } from "../db/index.js";

export interface AuditEventInput {
  /** Who acted: `user:<id>`, `application:<id>`, `cli`, or `anonymous`. */
  actor: string;
  /** What happened, `<noun>.<verb>`: `token.issued`, `organization.created`, … */
  action: string;
  targetType?: string;
  targetId?: string;
  organizationId?: string;
  data?: Prisma.InputJsonObject;
}

type AuditWriter = Pick<PrismaClient, "auditEvent"> | Prisma.TransactionClient;

export async function recordAudit(prisma: AuditWriter, event: AuditEventInput): Promise<void> {
  await prisma.auditEvent.create({ data: { ...event, data: event.data ?? {} } });
}

/** Several events in one statement. */
export async function recordAudits(prisma: AuditWriter, events: AuditEventInput[]): Promise<void> {
  await prisma.auditEvent.createMany({ data: events.map((event) => ({ ...event, data: event.data ?? {} })) });
}
