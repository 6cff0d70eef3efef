// The audit trail, newest first: every mutation and every token grant or denial.
import { formatPrismaCursor } from "@pothos/plugin-prisma";
import type { PrismaClient } from "../../db/index.js";
import { GatehouseError } from "../../errors.js";
import { manage } from "../auth/rules.js";
import { builder } from "../builder.js";

const canReadAudit = manage("audit:read");

const AuditEvent = builder.prismaObject("AuditEvent", {
  description: "One recorded change or token decision.",
  auth: canReadAudit,
  fields: (t) => ({
    id: t.id({ description: "Increases with every event.", resolve: (event) => event.id.toString() }),
    at: t.expose("at", { type: "DateTime" }),
    actor: t.exposeString("actor", { description: "`application:<id>`, `user:<id>`, `cli` or `anonymous`." }),
    action: t.exposeString("action", { description: "`<noun>.<verb>`: `user.created`, `token.issued`, …" }),
    targetType: t.exposeString("targetType", { nullable: true }),
    targetId: t.exposeString("targetId", { nullable: true }),
    organizationId: t.exposeString("organizationId", { nullable: true }),
    dataVersion: t.exposeInt("dataVersion", {
      description: "The version of `data`'s shape for this action (docs/events.md); 0 for events recorded before the catalogue.",
    }),
    data: t.field({
      type: "JSONObject",
      description: "Details of the event, shaped as the event catalogue says (docs/events.md); never secrets.",
      // recordAudit only ever writes JSON objects.
      resolve: (event) => event.data as Record<string, unknown>,
    }),
  }),
});

builder.queryField("auditEvents", (t) =>
  t.prismaConnection({
    type: AuditEvent,
    cursor: "id",
    description: "Audit events, newest first; each argument given narrows the list to exact matches.",
    auth: canReadAudit,
    args: {
      organizationId: t.arg.id(),
      actor: t.arg.string(),
      action: t.arg.string(),
      targetType: t.arg.string(),
      targetId: t.arg.id(),
    },
    resolve: async (query, _parent, args, context) => {
      const events = await context.prisma.auditEvent.findMany({ ...query, where: auditFilter(args), orderBy: { id: "desc" } });
      if (events.length === 0 && query.cursor?.id !== undefined) await assertCursorKept(context.prisma, BigInt(query.cursor.id), args.before != null);
      return events;
    },
    totalCount: (_parent, args, context) => context.prisma.auditEvent.count({ where: auditFilter(args) }),
  }),
);

const filters = ["organizationId", "actor", "action", "targetType", "targetId"] as const;

/** The filters given, as exact matches (an argument left out or null filters nothing). */
function auditFilter(args: Partial<Record<(typeof filters)[number], string | null>>) {
  return Object.fromEntries(filters.flatMap((name) => (args[name] == null ? [] : [[name, args[name]]])));
}

/**
 * A cursor names an event. Once audit retention has deleted it, Prisma's cursor has nothing to page
 * from and the page comes back empty, as if the log ended there: refused instead with
 * CURSOR_EXPIRED, and `details.currentCursor` where to read on in the same direction (going older,
 * `after` it: the oldest kept event newer than the deleted one; going newer, `before` it: the
 * newest kept event older than it), or null when nothing is left that way (start again).
 */
async function assertCursorKept(prisma: PrismaClient, id: bigint, newer: boolean): Promise<void> {
  if (await prisma.auditEvent.findUnique({ where: { id }, select: { id: true } })) return;
  const next = await prisma.auditEvent.findFirst({
    where: { id: newer ? { lt: id } : { gt: id } },
    orderBy: { id: newer ? "desc" : "asc" },
    select: { id: true },
  });
  throw new GatehouseError(
    "CURSOR_EXPIRED",
    "The event at this cursor was deleted (audit retention, GATEHOUSE_AUDIT_RETENTION_DAYS): read on from `details.currentCursor` (null: from the start).",
    { field: newer ? "before" : "after", details: { currentCursor: next ? formatPrismaCursor(next, "id") : null } },
  );
}
