// Subscriptions (GraphQL over SSE): committed changes of one organization, and of the organization
// template. Events come from the change feed (every replica's commits, through LISTEN/NOTIFY); each
// says what changed, and the client reads what it needs with its own permissions. A stream ends
// when its token expires, when an organization token loses the permission it subscribed with, and
// (organizationChanged) after the organization is deleted.
import DataLoader from "dataloader";
import { Repeater } from "graphql-yoga";
import type { Principal } from "../../auth/principal.js";
import { type Change, isTemplateChange } from "../../changes.js";
import { type Subject, grantedOrganizationScopesOfMany, subjectKey } from "../../domain/tokens/grants.js";
import { GatehouseError, assertThat } from "../../errors.js";
import { guardedByParent, inOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { Organization } from "./organization.js";
import { TEMPLATE_READER_PERMISSIONS, canReadTemplate } from "./template.js";

export const ChangeEvent = builder.objectRef<Change>("ChangeEvent").implement({
  description:
    "A committed change, as recorded in the audit log (without its details): what happened, and to what. " +
    "Read the changed objects with your own token; the event carries no data you could not read.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("id", { description: "The audit event's id." }),
    action: t.exposeString("action", {
      description: "What happened, `<noun>.<verb>`: `organization.user_roles_assigned`, `organization_role.updated`, …",
    }),
    occurredAt: t.expose("at", { type: "DateTime" }),
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

/**
 * The organization permission an organization token needs to see a change of its organization,
 * by action; changes not listed (just-in-time provisioning settings, …) reach management tokens only.
 */
const PERMISSION_TO_SEE: [RegExp, string][] = [
  [/^organization\.(created|updated|deleted)$/, "read:organization"],
  [/^organization\.users?_/, "read:members"],
  [/^organization\.applications?_/, "read:applications"],
  [/^organization_invitation\./, "invite:members"],
];

function permissionToSee(change: Change): string | undefined {
  return PERMISSION_TO_SEE.find(([pattern]) => pattern.test(change.action))?.[1];
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
      return stream(context, context.changes.changes((change) => change.organizationId === organizationId), {
        mayWatch: (scopes) => scopes.has("read:organization"),
        maySee: (change, scopes) => {
          const permission = permissionToSee(change);
          return permission !== undefined && scopes.has(permission);
        },
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
      stream(context, context.changes.changes(isTemplateChange), {
        mayWatch: (scopes) => TEMPLATE_READER_PERMISSIONS.some((permission) => scopes.has(permission)),
        maySee: () => true,
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
