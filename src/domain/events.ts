// The catalogue of events: every action Gatehouse audits, once, as typed data. The audit log
// records them, and the change feed (subscriptions, the `changes` connection, webhooks) derives
// from here who may see which event — nothing matches action names by pattern. Adding an action is
// one entry; docs/events.md is generated from this list (a test checks it has not drifted).
import { z } from "zod";
import type { ManagementScope } from "./management.js";
import type { OrganizationPermission } from "./organization-permissions.js";

/** The organization permissions that read the template (any one): its roles are what members hold. */
export const TEMPLATE_READER_PERMISSIONS: readonly OrganizationPermission[] = ["read:members", "assign:roles", "invite:members"];

/**
 * Where an event shows beyond the audit log:
 * - `organization`: one organization's feed (`organizationChanged`, `changes(organizationId:)`); the event has an organizationId;
 * - `template`: the organization template's feed (`templateChanged`), which every organization shares;
 * - `management`: the feed for management tokens only (users, applications, API resources, global roles, keys);
 * - `audit`: the audit log only (token grants and denials: one per token, too many to stream).
 */
export type EventAudience = "organization" | "template" | "management" | "audit";

export interface EventDefinition {
  description: string;
  /** What `targetId` names. */
  targetType: string | null;
  audience: EventAudience;
  /** Management scopes, any one of which sees the event in the feed (`all` sees every event). */
  management: readonly ManagementScope[];
  /**
   * Organization permissions, any one of which lets an organization token see the event (of its
   * own organization, or of the template); none: management tokens only.
   */
  organization: readonly OrganizationPermission[];
  /** The shape of `data`; bump `version` when it changes incompatibly. */
  data: z.ZodObject;
  version: number;
}

const id = z.string();
const ids = z.array(id);
/** A role, named as well as identified, so a consumer need not look it up (it may be gone). */
const roleRef = z.object({ id, name: z.string() });
const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** An update: the fields given, and the before/after of each scalar one whose value changed. */
const updated = z.object({
  fields: z.array(z.string()),
  changes: z.record(z.string(), z.object({ before: value, after: value })),
});
const named = z.object({ name: z.string() });
const none = z.object({});

const organizationRead = { audience: "organization", management: ["organizations:read"] } as const;
const template = {
  audience: "template",
  management: ["template:read", "organizations:read"],
  organization: TEMPLATE_READER_PERMISSIONS,
  version: 1,
} as const;

function memberEvents(kind: "user" | "application", permission: OrganizationPermission) {
  const a = kind === "user" ? "A user" : "An application";
  const members = kind === "user" ? "Users" : "Applications";
  const seen = { ...organizationRead, organization: [permission], version: 1 } as const;
  const roleDelta = z.object({ memberId: id, added: z.array(roleRef), removed: z.array(roleRef) });
  return {
    added: { ...seen, targetType: "organization", description: `${members} joined (or were already members), with the roles given to each`, data: z.object({ memberIds: ids, roles: z.array(roleRef) }) },
    replaced: { ...seen, targetType: "organization", description: `The ${kind} members were replaced as a set: who joined, who left`, data: z.object({ added: ids, removed: ids }) },
    removed: { ...seen, targetType: kind, description: `${a} left the organization, with its roles there (\`reason\`: why, when it was not a removal)`, data: z.object({ memberId: id, reason: z.string().optional() }) },
    rolesAssigned: { ...seen, targetType: kind, description: `A member ${kind} was given roles (one event per member; \`added\`: the roles it did not hold)`, data: roleDelta },
    rolesUnassigned: { ...seen, targetType: kind, description: `Roles were taken from a member ${kind} (one event per member; \`removed\`: the roles it held)`, data: roleDelta },
    rolesReplaced: { ...seen, targetType: kind, description: `A member ${kind}'s roles were replaced: what it gained and lost`, data: roleDelta },
  } satisfies Record<string, EventDefinition>;
}

const users = memberEvents("user", "read:members");
const applications = memberEvents("application", "read:applications");

const jit = (what: string, data: z.ZodObject) =>
  ({ ...organizationRead, organization: [], version: 1, targetType: "organization", description: what, data }) as const;
const jitDomains = z.object({ emailDomains: z.array(z.string()) });
const jitRoles = z.object({ roleIds: ids });

const invitation = { ...organizationRead, organization: ["invite:members"], version: 1, targetType: "organization_invitation" } as const;
const rolePermissions = z.object({ organizationScopeIds: ids, resourceScopeIds: ids });
const resources = { audience: "management", management: ["resources:read"], organization: [], version: 1 } as const;
const globalRoleChange = { ...resources, targetType: "global_role" } as const;
const globalRoleHolders = (holder: "user" | "application", scope: ManagementScope) =>
  ({ audience: "management", management: [scope], organization: [], version: 1, targetType: holder, data: z.object({ roleIds: ids }) }) as const;
const userChange = { audience: "management", management: ["users:read"], organization: [], version: 1, targetType: "user" } as const;
const applicationChange = { audience: "management", management: ["applications:read"], organization: [], version: 1, targetType: "application" } as const;
const webhookEndpoint = { audience: "management", management: ["webhooks:read"], organization: [], version: 1, targetType: "webhook_endpoint" } as const;
const tokenIssued = z.object({ grantType: z.string(), audience: z.string(), scope: z.array(z.string()), clientId: z.string() });
const tokenDenied = z.object({
  grantType: z.string().nullable(),
  error: z.string(),
  description: z.string().optional(),
  // Repeated denials are counted (src/domain/audit-denials.ts): who they came from, how many this row stands for, when.
  clientId: z.string().nullable().optional(),
  address: z.string().optional(),
  count: z.number().int().optional(),
  firstAt: z.string().optional(),
  lastAt: z.string().optional(),
});

export const events = {
  "organization.created": { ...organizationRead, organization: ["read:organization"], version: 1, targetType: "organization", description: "An organization was created", data: named },
  "organization.updated": { ...organizationRead, organization: ["read:organization"], version: 1, targetType: "organization", description: "An organization's profile or branding changed (`branding`: an image uploaded or cleared)", data: updated.extend({ branding: z.object({ slot: z.string(), how: z.enum(["uploaded", "cleared"]) }).optional() }) },
  "organization.deleted": { ...organizationRead, organization: ["read:organization"], version: 1, targetType: "organization", description: "An organization was deleted, with its memberships", data: named },

  "organization.users_added": users.added,
  "organization.users_replaced": users.replaced,
  "organization.user_removed": users.removed,
  "organization.user_roles_assigned": users.rolesAssigned,
  "organization.user_roles_unassigned": users.rolesUnassigned,
  "organization.user_roles_replaced": users.rolesReplaced,
  "organization.user_provisioned": { ...organizationRead, organization: ["read:members"], version: 1, targetType: "user", description: "A user joined just in time, by their email domain, with the organization's JIT roles", data: z.object({ emailDomain: z.string(), roleIds: ids }) },

  "organization.applications_added": applications.added,
  "organization.applications_replaced": applications.replaced,
  "organization.application_removed": applications.removed,
  "organization.application_roles_assigned": applications.rolesAssigned,
  "organization.application_roles_unassigned": applications.rolesUnassigned,
  "organization.application_roles_replaced": applications.rolesReplaced,

  "organization.held_role_deleted": { ...organizationRead, organization: ["read:members", "read:applications"], version: 1, targetType: "organization_role", description: "A template role that members of the organization held was deleted: they lost it and its permissions (`users`, `applications`: how many held it here)", data: z.object({ role: roleRef, users: z.number().int(), applications: z.number().int() }) },
  "organization.permissions_lost": { ...organizationRead, organization: ["read:members", "read:applications"], version: 1, targetType: "organization", description: "Template permissions were deleted (`cause`: an organization permission, an API permission, or an API resource with its permissions): the members holding `roles` here lost them", data: z.object({ cause: z.enum(["organization_scope.deleted", "resource_scope.deleted", "api_resource.deleted"]), permissions: z.array(z.object({ id, name: z.string() })), roles: z.array(roleRef) }) },

  "organization.jit_email_domains_added": jit("Email domains were added to just-in-time provisioning", jitDomains),
  "organization.jit_email_domains_removed": jit("Email domains were removed from just-in-time provisioning", jitDomains),
  "organization.jit_email_domains_replaced": jit("Just-in-time provisioning's email domains were replaced", jitDomains),
  "organization.jit_roles_added": jit("Roles were added to those given to users provisioned just in time", jitRoles),
  "organization.jit_roles_removed": jit("Roles were removed from those given to users provisioned just in time", jitRoles),
  "organization.jit_roles_replaced": jit("The roles given to users provisioned just in time were replaced", jitRoles),

  "organization_invitation.created": { ...invitation, description: "Someone was invited, with the roles they will get", data: z.object({ invitee: z.string(), roleIds: ids, expiresAt: z.string() }) },
  "organization_invitation.revoked": { ...invitation, description: "An invitation was revoked", data: z.object({ invitee: z.string() }) },
  "organization_invitation.deleted": { ...invitation, description: "An invitation was deleted", data: z.object({ invitee: z.string() }) },
  "organization_invitation.accepted": { ...invitation, description: "An invitation was accepted: the user joined with its roles", data: z.object({ userId: id, roleIds: ids }) },

  "organization_scope.created": { ...template, targetType: "organization_scope", description: "An organization permission was created", data: named },
  "organization_scope.updated": { ...template, targetType: "organization_scope", description: "An organization permission changed", data: updated },
  "organization_scope.deleted": { ...template, targetType: "organization_scope", description: "An organization permission was deleted: every role lost it", data: named },
  "organization_role.created": { ...template, targetType: "organization_role", description: "An organization role was created, with its permissions", data: z.object({ name: z.string(), type: z.string(), organizationScopeIds: ids, resourceScopeIds: ids }) },
  "organization_role.updated": { ...template, targetType: "organization_role", description: "An organization role changed", data: updated },
  "organization_role.deleted": { ...template, targetType: "organization_role", description: "An organization role was deleted, with every assignment of it", data: named },
  "organization_role.permissions_added": { ...template, targetType: "organization_role", description: "Permissions were added to an organization role", data: rolePermissions },
  "organization_role.permissions_removed": { ...template, targetType: "organization_role", description: "Permissions were removed from an organization role", data: rolePermissions },
  "organization_role.permissions_replaced": { ...template, targetType: "organization_role", description: "An organization role's permissions were replaced", data: rolePermissions },
  "template.seeded": { ...template, targetType: "organization_template", description: "`gatehouse seed` added the default permissions and roles missing from the template", data: z.object({ createdPermissions: z.array(z.string()), createdRoles: z.array(z.string()) }) },
  "api_resource.deleted": { ...template, management: ["template:read", "organizations:read", "resources:read"], targetType: "api_resource", description: "An API resource was deleted with its permissions: every role lost them", data: z.object({ name: z.string(), indicator: z.string() }) },
  "resource_scope.deleted": { ...template, management: ["template:read", "organizations:read", "resources:read"], targetType: "resource_scope", description: "An API permission was deleted: every role lost it", data: z.object({ resourceId: id, name: z.string() }) },

  "api_resource.created": { ...resources, targetType: "api_resource", description: "An API resource was created", data: z.object({ name: z.string(), indicator: z.string() }) },
  "api_resource.updated": { ...resources, targetType: "api_resource", description: "An API resource changed", data: updated },
  "resource_scope.created": { ...resources, targetType: "resource_scope", description: "An API permission was created", data: z.object({ resourceId: id, name: z.string() }) },
  "resource_scope.updated": { ...resources, targetType: "resource_scope", description: "An API permission changed", data: updated },

  "global_role.created": { ...globalRoleChange, description: "A global role was created, with its API permissions", data: z.object({ name: z.string(), type: z.string(), resourceScopeIds: ids }) },
  "global_role.updated": { ...globalRoleChange, description: "A global role changed", data: updated },
  "global_role.deleted": { ...globalRoleChange, description: "A global role was deleted, with every assignment of it", data: named },
  "global_role.permissions_added": { ...globalRoleChange, description: "API permissions were added to a global role", data: z.object({ resourceScopeIds: ids }) },
  "global_role.permissions_removed": { ...globalRoleChange, description: "API permissions were removed from a global role", data: z.object({ resourceScopeIds: ids }) },
  "global_role.permissions_replaced": { ...globalRoleChange, description: "A global role's API permissions were replaced", data: z.object({ resourceScopeIds: ids }) },

  "user.created": { ...userChange, description: "A user was created", data: z.object({ fields: z.array(z.string()) }) },
  "user.updated": { ...userChange, description: "A user's profile changed", data: updated },
  "user.deleted": { ...userChange, description: "A user was deleted (each organization they were in gets `organization.user_removed`)", data: z.object({ primaryEmail: z.string().nullable() }) },
  "user.identity_linked": { ...userChange, description: "An external identity was linked to a user", data: z.object({ issuer: z.string(), subject: z.string() }) },
  "user.identity_unlinked": { ...userChange, description: "An external identity was unlinked from a user", data: z.object({ issuer: z.string(), subject: z.string() }) },
  "user.global_roles_assigned": { ...globalRoleHolders("user", "users:read"), description: "Global roles were given to a user" },
  "user.global_roles_unassigned": { ...globalRoleHolders("user", "users:read"), description: "Global roles were taken from a user" },
  "user.global_roles_replaced": { ...globalRoleHolders("user", "users:read"), description: "A user's global roles were replaced" },

  "application.created": { ...applicationChange, description: "A machine-to-machine application was created", data: named },
  "application.updated": { ...applicationChange, description: "An application changed", data: updated },
  "application.deleted": { ...applicationChange, description: "An application was deleted (each organization it was in gets `organization.application_removed`)", data: named },
  "application.secret_rotated": { ...applicationChange, description: "An application's client secret was replaced (the secret is never recorded)", data: none },
  "application.global_roles_assigned": { ...globalRoleHolders("application", "applications:read"), description: "Global roles were given to an application" },
  "application.global_roles_unassigned": { ...globalRoleHolders("application", "applications:read"), description: "Global roles were taken from an application" },
  "application.global_roles_replaced": { ...globalRoleHolders("application", "applications:read"), description: "An application's global roles were replaced" },

  "bootstrap.completed": { audience: "management", management: ["all"], organization: [], version: 1, targetType: "application", description: "`gatehouse bootstrap` created the first admin application", data: z.object({ managementResource: z.string() }) },
  "signing_key.rotated": { audience: "management", management: ["all"], organization: [], version: 1, targetType: "signing_key", description: "A new token signing key became current", data: none },

  "webhook_endpoint.created": { ...webhookEndpoint, description: "A webhook endpoint was created (`host`: its URL's host; the URL may hold a credential)", data: z.object({ host: z.string(), eventTypes: z.array(z.string()), organizationId: id.nullable() }) },
  "webhook_endpoint.updated": { ...webhookEndpoint, description: "A webhook endpoint changed (a URL's before/after shows its host only)", data: updated },
  "webhook_endpoint.disabled": { ...webhookEndpoint, description: "A webhook endpoint was disabled: by a caller (`manual`), or by Gatehouse after repeated failed deliveries (`failing`)", data: z.object({ reason: z.enum(["manual", "failing"]), consecutiveFailures: z.number() }) },
  "webhook_endpoint.deleted": { ...webhookEndpoint, description: "A webhook endpoint was deleted, with its delivery log", data: z.object({ host: z.string() }) },
  "webhook_endpoint.secret_rotated": { ...webhookEndpoint, description: "A webhook endpoint's signing secret was replaced (the secret is never recorded)", data: none },
  "webhook_endpoint.redelivery_requested": { ...webhookEndpoint, description: "An event was queued again for a webhook endpoint (`deliveryId`: the new delivery)", data: z.object({ eventId: id, deliveryId: id }) },

  "token.issued": { audience: "audit", management: ["audit:read"], organization: [], version: 1, targetType: "token", description: "A token was issued (audit log only)", data: tokenIssued },
  "token.denied": { audience: "audit", management: ["audit:read"], organization: [], version: 1, targetType: "token", description: "A token request was refused (audit log only)", data: tokenDenied },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof events;
export type EventData<T extends EventType> = z.input<(typeof events)[T]["data"]>;

export const eventTypes = Object.keys(events) as EventType[];

export function isEventType(action: string): action is EventType {
  return Object.hasOwn(events, action);
}

/** The definition of a recorded action; undefined for one no longer in the catalogue. */
export function eventDefinition(action: string): EventDefinition | undefined {
  return isEventType(action) ? events[action] : undefined;
}

/** Whether the event is in the change feed (subscriptions, `changes`, webhooks), not only in the audit log. */
export function isFeedEvent(action: string): boolean {
  const definition = eventDefinition(action);
  return definition !== undefined && definition.audience !== "audit";
}

/** Event types of the feed a management token with `scopes` may see. */
export function feedTypesForManagement(scopes: ReadonlySet<string>): EventType[] {
  return eventTypes.filter((type) => {
    const definition: EventDefinition = events[type];
    return definition.audience !== "audit" && (scopes.has("all") || definition.management.some((scope) => scopes.has(scope)));
  });
}

/**
 * Event types an organization token holding `permissions` may see: its organization's events
 * whose permission it holds, and template events when it holds a permission that reads the template.
 */
export function feedTypesForOrganization(permissions: ReadonlySet<string>, audience: "organization" | "template"): EventType[] {
  return eventTypes.filter((type) => {
    const definition: EventDefinition = events[type];
    return definition.audience === audience && definition.organization.some((permission) => permissions.has(permission));
  });
}

/** The types of one audience's feed. */
export function typesOf(audience: EventAudience): EventType[] {
  return eventTypes.filter((type) => events[type].audience === audience);
}

type Scalar = z.infer<typeof value>;

/**
 * What an update changed: the fields given, and the before/after of each scalar field whose
 * value changed. Objects (custom data, branding) are named in `fields` only: their values can be
 * large, and a consumer reads them with its own token.
 */
export function fieldChanges<Row extends object>(before: Row, after: Row, given: object): EventData<"organization.updated"> {
  const fields = Object.keys(given).filter((field) => (given as Record<string, unknown>)[field] !== undefined);
  const changes: Record<string, { before: Scalar; after: Scalar }> = {};
  for (const field of fields) {
    const was = (before as Record<string, unknown>)[field];
    const is = (after as Record<string, unknown>)[field];
    if (isScalar(was) && isScalar(is) && was !== is) changes[field] = { before: was, after: is };
  }
  return { fields, changes };
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
