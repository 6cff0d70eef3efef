// Subscriptions (GraphQL over SSE): committed changes of one organization, and of the organization
// template. Events come from the change feed (every replica's commits, through LISTEN/NOTIFY); each
// says what changed, and the client reads what it needs with its own permissions. A stream ends
// when its token expires, when an organization token loses the permission it subscribed with, and
// (organizationChanged) after the organization is deleted.
import DataLoader from "dataloader";
import { Repeater } from "graphql-yoga";
import type { Principal } from "../../auth/principal.js";
import { type Change, assertRetained } from "../../changes.js";
import { TEMPLATE_READER_PERMISSIONS, eventDefinition, typesOf } from "../../domain/events.js";
import { type Subject, grantedOrganizationScopesOfMany, subjectKey } from "../../domain/tokens/grants.js";
import { GatehouseError, assertThat } from "../../errors.js";
import { inOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { ChangeEvent, afterPosition } from "./changes.js";
import { canReadTemplate } from "./template.js";

/** `after:`, the cursor of the last event a client received. */
const AFTER =
  "Resume after this event's `cursor`: every event since (that the token may see) comes first, in commit order, " +
  "then the live ones, none missed or repeated. One older than the feed keeps (audit retention) is refused with " +
  "CURSOR_EXPIRED. Without it, the stream starts now.";

builder.subscriptionType({ description: "Live changes, over Server-Sent Events (GraphQL over SSE)." });

/** Whether the event's catalogue entry lets an organization token with `scopes` see it. */
function organizationTokenMaySee(change: Change, scopes: ReadonlySet<string>): boolean {
  return eventDefinition(change.action)?.organization.some((permission) => scopes.has(permission)) ?? false;
}

builder.subscriptionField("organizationChanged", (t) =>
  t.field({
    type: ChangeEvent,
    description:
      "Every committed change of the organization — profile, members, applications, role assignments, invitations — " +
      "that the token may see (organization tokens: each change needs the permission that reads it). Ends after the " +
      "organization is deleted.",
    args: { organizationId: t.arg.id({ required: true }), after: t.arg.string({ description: AFTER }) },
    auth: inOrganization({
      permission: "read:organization",
      manage: "organizations:read",
      organizationId: (_parent, args: { organizationId: string | number }) => String(args.organizationId),
    }),
    subscribe: async (_root, args, context) => {
      const organizationId = String(args.organizationId);
      const organization = await context.prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
      assertThat(organization !== null, "NOT_FOUND", `No organization ${organizationId}.`);
      const after = afterPosition(args.after);
      if (after !== undefined) await assertRetained(context.prisma, after);
      const ofOrganization = { actions: typesOf("organization"), organizationId };
      return stream(context, context.changes.changes(ofOrganization, after), {
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
    args: { after: t.arg.string({ description: AFTER }) },
    auth: canReadTemplate,
    subscribe: async (_root, args, context) => {
      const after = afterPosition(args.after);
      if (after !== undefined) await assertRetained(context.prisma, after);
      return stream(context, context.changes.changes({ actions: typesOf("template") }, after), {
        mayWatch: (scopes) => TEMPLATE_READER_PERMISSIONS.some((permission) => scopes.has(permission)),
        maySee: organizationTokenMaySee,
      });
    },
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
