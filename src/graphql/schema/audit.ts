// The audit trail, newest first: every mutation and every token grant or denial.
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
    resolve: (query, _parent, args, context) =>
      context.prisma.auditEvent.findMany({ ...query, where: auditFilter(args), orderBy: { id: "desc" } }),
    totalCount: (_parent, args, context) => context.prisma.auditEvent.count({ where: auditFilter(args) }),
  }),
);

const filters = ["organizationId", "actor", "action", "targetType", "targetId"] as const;

/** The filters given, as exact matches (an argument left out or null filters nothing). */
function auditFilter(args: Partial<Record<(typeof filters)[number], string | null>>) {
  return Object.fromEntries(filters.flatMap((name) => (args[name] == null ? [] : [[name, args[name]]])));
}
