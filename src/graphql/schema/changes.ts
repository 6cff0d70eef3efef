// The change feed over GraphQL: `changes`, a connection any consumer pages through to catch up, in
// commit order, and the `ChangeEvent` it shares with subscriptions. Each event's cursor resumes
// both. Who sees which event is the catalogue's rule (src/domain/events.ts), the same for both.
import type { Principal } from "../../auth/principal.js";
import { type Change, type ChangeFilter, assertRetained, cursorOf, lastPosition, positionOf, readChanges } from "../../changes.js";
import { events, feedTypesForManagement, feedTypesForOrganization, isFeedEvent, type EventType } from "../../domain/events.js";
import type { ManagementScope } from "../../domain/management.js";
import { GatehouseError, assertThat } from "../../errors.js";
import { guardedByParent, manageOrAnyOrganization } from "../auth/rules.js";
import { PAGE_SIZE, builder } from "../builder.js";
import { Organization } from "./organization.js";

export const ChangeEvent = builder.objectRef<Change>("ChangeEvent").implement({
  description:
    "A committed change, as recorded in the audit log: what happened, to what, and what changed (`data`, shaped as " +
    "the event catalogue says: docs/events.md). Whoever may see the event may see its data; read the changed " +
    "objects as they are now with your own token.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("id", { description: "The audit event's id (not in commit order: page and resume with `cursor`)." }),
    cursor: t.string({
      description:
        "The event's place in the change feed, in commit order: give it as `after` to `changes` or to a subscription " +
        "to read on from here without missing or repeating an event.",
      resolve: (change) => cursorOf(change.position),
    }),
    action: t.exposeString("action", {
      description: "What happened, `<noun>.<verb>`: `organization.user_roles_assigned`, `organization_role.updated`, …",
    }),
    occurredAt: t.expose("at", { type: "DateTime" }),
    version: t.exposeInt("version", {
      description: "The version of `data`'s shape for this action (docs/events.md); 0 for events recorded before the catalogue.",
    }),
    data: t.field({
      type: "JSONObject",
      description: "What changed: ids, names, added and removed roles, before/after of changed fields; never secrets.",
      resolve: (change) => change.data,
    }),
    targetType: t.exposeString("targetType", { nullable: true, description: "The kind of object changed: `user`, `organization_role`, …" }),
    targetId: t.exposeID("targetId", { nullable: true }),
    organizationId: t.exposeID("organizationId", { nullable: true, description: "The organization changed; null for template and management changes." }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: "The organization as it is now (null once deleted), if the token may read it.",
      resolve: (change, _args, context) =>
        change.organizationId ? context.prisma.organization.findUnique({ where: { id: change.organizationId } }) : null,
    }),
  }),
});

/** The position a client's cursor names (`after`), or BAD_USER_INPUT. */
export function afterPosition(after: string | null | undefined): bigint | undefined {
  if (after == null) return undefined;
  const position = positionOf(after);
  assertThat(position !== undefined, "BAD_USER_INPUT", "`after` is not a cursor of the change feed.", { field: "after" });
  return position;
}

const feedTypes = Object.keys(events).filter(isFeedEvent) as EventType[];

/** Everyone who sees some event of the feed: the catalogue's scopes and permissions, gathered. */
const canReadChanges = manageOrAnyOrganization(
  [...new Set(feedTypes.flatMap((type): readonly ManagementScope[] => events[type].management))],
  [...new Set(feedTypes.flatMap((type): readonly string[] => events[type].organization))],
);

interface ChangesArgs {
  organizationId?: string | null;
  types?: readonly string[] | null;
}

/**
 * The changes the caller may see, narrowed by the arguments: a management token sees the event
 * types its scopes read; an organization token its own organization's events whose permission
 * its subject holds, and the template's when it holds a permission that reads the template.
 */
export function visibleChanges(principal: Principal | null, args: ChangesArgs): ChangeFilter {
  const wanted = args.types ?? undefined;
  for (const type of wanted ?? []) {
    assertThat(isFeedEvent(type), "BAD_USER_INPUT", `${type} is not an event type of the change feed (docs/events.md).`, { field: "types" });
  }
  const narrow = (visible: readonly string[]) => (wanted ? visible.filter((type) => wanted.includes(type)) : visible);
  const organizationId = args.organizationId ?? undefined;
  if (principal?.kind === "management") {
    const visible = feedTypesForManagement(principal.scopes);
    refuseHidden(wanted, visible);
    return { actions: narrow(visible), ...(organizationId === undefined ? {} : { organizationId }) };
  }
  if (principal?.kind === "organization") {
    assertThat(
      organizationId === undefined || organizationId === principal.organizationId,
      "FORBIDDEN",
      "An organization token reads only its own organization's changes.",
    );
    const own = feedTypesForOrganization(principal.scopes, "organization");
    const template = organizationId === undefined ? feedTypesForOrganization(principal.scopes, "template") : [];
    refuseHidden(wanted, [...own, ...template]);
    return { anyOf: [{ actions: narrow(own), organizationId: principal.organizationId }, { actions: narrow(template) }] };
  }
  throw new GatehouseError("FORBIDDEN", "Only management and organization tokens read the change feed.");
}

function refuseHidden(wanted: readonly string[] | undefined, visible: readonly string[]): void {
  const hidden = (wanted ?? []).filter((type) => !visible.includes(type));
  assertThat(hidden.length === 0, "FORBIDDEN", `The token may not see ${hidden.join(", ")}.`, { details: { types: hidden } });
  assertThat(visible.length > 0, "FORBIDDEN", "The token may not see any event of the change feed.");
}

interface ChangePage {
  edges: { cursor: string; node: Change }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string };
}

const ChangeConnection = builder.connectionObject({ type: ChangeEvent, name: "ChangeConnection" });

builder.queryField("changes", (t) =>
  t.field({
    type: ChangeConnection,
    description:
      "The change feed in commit order, oldest first, from the start or `after` a cursor: page with `endCursor` until " +
      "`hasNextPage` is false, keep the last cursor, and read on from it later — no event is skipped (a transaction " +
      "that commits late comes after those that committed before it) or repeated. Management tokens see the events " +
      "their scopes read; organization tokens their organization's events whose permission their subject holds now, " +
      "and the template's (docs/subscriptions.md). `types` and `organizationId` narrow the feed.",
    auth: canReadChanges,
    args: {
      after: t.arg.string({
        description:
          "A `cursor` (or `endCursor`) from an earlier read. One older than the feed keeps (audit retention) is refused " +
          "with CURSOR_EXPIRED: resync. Without it, the feed starts at its oldest kept change.",
      }),
      first: t.arg.int({ description: `How many events (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.max}).` }),
      organizationId: t.arg.id({ description: "One organization's events only." }),
      types: t.arg.stringList({ description: "These event types only (docs/events.md): `organization.user_roles_assigned`, …" }),
    },
    resolve: async (_root, args, context): Promise<ChangePage> => {
      const first = args.first ?? PAGE_SIZE.default;
      assertThat(first >= 0, "BAD_USER_INPUT", "`first` may not be negative.", { field: "first" });
      const filter = visibleChanges(context.principal, {
        organizationId: args.organizationId == null ? null : String(args.organizationId),
        types: args.types ?? null,
      });
      const size = Math.min(first, PAGE_SIZE.max);
      const after = afterPosition(args.after) ?? 0n;
      // Read before the page: every change up to it is committed by then (positions commit in
      // order), so a page that holds all the rest has seen them all.
      const end = await lastPosition(context.prisma);
      const rows = await readChanges(context.prisma, filter, after, size + 1);
      // A cursor retention has passed: the page could lack deleted changes (without a cursor the
      // feed starts where it is kept).
      if (args.after != null) await assertRetained(context.prisma, after);
      const page = rows.slice(0, size);
      const edges = page.map((node) => ({ cursor: cursorOf(node.position), node }));
      const hasNextPage = rows.length > size;
      const last = edges.length > 0 ? page.at(-1)!.position : after;
      return {
        edges,
        pageInfo: {
          hasNextPage,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          // At the end, the end of the whole feed: a narrow filter's reader moves past what it skips.
          endCursor: cursorOf(!hasNextPage && end > last ? end : last),
        },
      };
    },
  }),
);
