// Subscriptions (GraphQL over SSE): committed changes of one organization, and of the organization
// template. Events come from the change feed (every replica's commits, through LISTEN/NOTIFY); each
// says what changed, and the client reads what it needs with its own permissions. A stream ends
// when its token expires, when an organization token loses the permission it subscribed with, and
// (organizationChanged) after the organization is deleted.
import DataLoader from "dataloader";
import { Repeater } from "graphql-yoga";
import type { Principal } from "../../auth/principal.js";
import type { Change } from "../../changes.js";
import { TEMPLATE_READER_PERMISSIONS, eventDefinition } from "../../domain/events.js";
import { type Subject, grantedOrganizationScopesOfMany, subjectKey } from "../../domain/tokens/grants.js";
import { GatehouseError, assertThat } from "../../errors.js";
import { guardedByParent, inOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { Organization } from "./organization.js";
import { canReadTemplate } from "./template.js";

export const ChangeEvent = builder.objectRef<Change>("ChangeEvent").implement({
  description:
    "A committed change, as recorded in the audit log: what happened, to what, and what changed (`data`, shaped as " +
    "the event catalogue says: docs/events.md). Whoever may see the event may see its data; read the changed " +
    "objects as they are now with your own token.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("id", { description: "The audit event's id." }),
    action: t.exposeString("action", {
      description: "What happened, `<noun>.<verb>`: `organization.user_roles_assigned`, `organization_role.updated`, …",
    }),
    occurredAt: t.expose("at", { type: "DateTime" }),
    version: t.int({
      description: "The version of `data`'s shape for this action (docs/events.md); 0 for events recorded before the catalogue.",
      resolve: (change, _args, context) => changeDetails(context, change).then((details) => details.version),
    }),
    data: t.field({
      type: "JSONObject",
      description: "What changed: ids, names, added and removed roles, before/after of changed fields; never secrets.",
      resolve: (change, _args, context) => changeDetails(context, change).then((details) => details.data),
    }),
    targetType: t.exposeString("targetType", { nullable: true, description: "The kind of object changed: `user`, `organization_role`, …" }),
    targetId: t.exposeID("targetId", { nullable: true }),
    organizationId: t.exposeID("organizationId", { nullable: true, description: "The organization changed; null for template changes." }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: "The organization as it is now (null once deleted), if the token may read it.",
      resolve: (change, _args, context) =>
        change.organizationId ? context.prisma.organization.findUnique({ where: { id: change.organizationId } }) : null,
    }),
  }),
});

builder.subscriptionType({ description: "Live changes, over Server-Sent Events (GraphQL over SSE)." });

/** Whether the event's catalogue entry lets an organization token with `scopes` see it. */
function organizationTokenMaySee(change: Change, scopes: ReadonlySet<string>): boolean {
  return eventDefinition(change.action)?.organization.some((permission) => scopes.has(permission)) ?? false;
}

function inAudience(change: Change, audience: "organization" | "template"): boolean {
  return eventDefinition(change.action)?.audience === audience;
}

builder.subscriptionField("organizationChanged", (t) =>
  t.field({
    type: ChangeEvent,
    description:
      "Every committed change of the organization — profile, members, applications, role assignments, invitations — " +
      "that the token may see (organization tokens: each change needs the permission that reads it). Ends after the " +
      "organization is deleted.",
    args: { organizationId: t.arg.id({ required: true }) },
    auth: inOrganization({
      permission: "read:organization",
      manage: "organizations:read",
      organizationId: (_parent, args: { organizationId: string | number }) => String(args.organizationId),
    }),
    subscribe: async (_root, args, context) => {
      const organizationId = String(args.organizationId);
      const organization = await context.prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
      assertThat(organization !== null, "NOT_FOUND", `No organization ${organizationId}.`);
      const ofOrganization = (change: Change) => change.organizationId === organizationId && inAudience(change, "organization");
      return stream(context, context.changes.changes(ofOrganization), {
        mayWatch: (scopes) => scopes.has("read:organization"),
        maySee: organizationTokenMaySee,
        isLast: (change) => change.action === "organization.deleted",
      });
    },
    resolve: (change) => change,
  }),
);

builder.subscriptionField("templateChanged", (t) =>
  t.field({
    type: ChangeEvent,
    description:
      "Every committed change of the organization template: organization permissions and roles, and the API " +
      "permissions roles hold. Template changes apply to every organization at once.",
    auth: canReadTemplate,
    subscribe: (_root, _args, context) =>
      stream(context, context.changes.changes((change) => inAudience(change, "template")), {
        mayWatch: (scopes) => TEMPLATE_READER_PERMISSIONS.some((permission) => scopes.has(permission)),
        maySee: organizationTokenMaySee,
      }),
    resolve: (change) => change,
  }),
);

interface StreamRules {
  /** Whether an organization token may still watch, with the permissions its subject holds now. */
  mayWatch: (scopes: ReadonlySet<string>) => boolean;
  /** Whether an organization token may see this change. */
  maySee: (change: Change, scopes: ReadonlySet<string>) => boolean;
  /** The change after which the stream ends. */
  isLast?: (change: Change) => boolean;
}

/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The changes of `source` the caller may see, until its token expires. An organization token's
 * permissions are re-read at each change: a member whose roles no longer allow watching is cut
 * off before the change is delivered, as Gatehouse's queries refuse such a token at once.
 */
function stream(context: GraphQLContext, source: AsyncIterableIterator<Change>, rules: StreamRules): AsyncIterable<Change> {
  const { principal, tokenExpiresAt } = context;
  return new Repeater<Change>(async (push, stop) => {
    let timer: NodeJS.Timeout | undefined;
    const expireAt = (at: Date) => {
      const delay = at.getTime() - Date.now();
      timer = setTimeout(
        () => (delay > MAX_TIMER_MS ? expireAt(at) : stop(new GatehouseError("UNAUTHENTICATED", "The token expired: subscribe again with a new one."))),
        Math.min(Math.max(delay, 0), MAX_TIMER_MS),
      );
    };
    if (tokenExpiresAt) expireAt(tokenExpiresAt);
    stop.then(() => source.return?.());
    try {
      for await (const change of source) {
        const scopes = await currentOrganizationScopes(context.prisma, principal, change);
        if (scopes && !rules.mayWatch(scopes)) {
          stop(new GatehouseError("FORBIDDEN", "The token's subject no longer holds the permission this subscription needs."));
          break;
        }
        if (scopes && !rules.maySee(change, scopes)) continue;
        await push(change);
        if (rules.isLast?.(change)) break;
      }
      stop();
    } catch (error) {
      stop(error);
    } finally {
      clearTimeout(timer);
    }
  });
}

const details = new WeakMap<Change, Promise<{ version: number; data: Record<string, unknown> }>>();

/** The event's data and its version, read once per change for all its subscribers. */
function changeDetails(context: GraphQLContext, change: Change) {
  let read = details.get(change);
  if (!read) {
    read = context.prisma.auditEvent
      .findUniqueOrThrow({ where: { id: BigInt(change.id) }, select: { dataVersion: true, data: true } })
      // recordAudit only ever writes JSON objects.
      .then((event) => ({ version: event.dataVersion, data: event.data as Record<string, unknown> }));
    details.set(change, read);
  }
  return read;
}

type SubscriberKey = { organizationId: string; subject: Subject };
const changeLoaders = new WeakMap<Change, DataLoader<SubscriberKey, Set<string>, string>>();

/**
 * The permissions the subjects of organization tokens hold now, read once per change for all its
 * subscribers together (every subscriber's stream receives the same change object, in the same
 * tick, so one DataLoader per change batches them).
 */
function permissionsAt(prisma: GraphQLContext["prisma"], change: Change) {
  let loader = changeLoaders.get(change);
  if (!loader) {
    loader = new DataLoader(
      async (keys) => {
        const byOrganization = new Map<string, Subject[]>();
        for (const { organizationId, subject } of keys) {
          const subjects = byOrganization.get(organizationId) ?? [];
          subjects.push(subject);
          byOrganization.set(organizationId, subjects);
        }
        const held = new Map<string, Map<string, Set<string>>>();
        for (const [organizationId, subjects] of byOrganization) {
          held.set(organizationId, await grantedOrganizationScopesOfMany(prisma, organizationId, subjects));
        }
        return keys.map((key) => held.get(key.organizationId)?.get(subjectKey(key.subject)) ?? new Set<string>());
      },
      { cacheKeyFn: cacheKey },
    );
    changeLoaders.set(change, loader);
  }
  return loader;
}

function cacheKey({ organizationId, subject }: SubscriberKey): string {
  return `${organizationId}|${subjectKey(subject)}`;
}

/** An organization token's permissions that its subject's roles grant now; undefined for other tokens. */
async function currentOrganizationScopes(prisma: GraphQLContext["prisma"], principal: Principal | null, change: Change) {
  if (principal?.kind !== "organization") return undefined;
  const granted = await permissionsAt(prisma, change).load({ organizationId: principal.organizationId, subject: principal.subject });
  return new Set([...principal.scopes].filter((scope) => granted.has(scope)));
}
