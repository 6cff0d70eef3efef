// The organization template: organization permissions (scopes) and organization roles, shared by
// every organization. Roles are referenced, never copied, so each change here reaches every
// organization at once; deleting a permission or a role cascades in the database.
import { z } from "zod";
import { GatehouseError, assertThat } from "../errors.js";
import type { OrganizationRole, OrganizationScope, RoleType } from "../generated/prisma/client.js";
import { guarded } from "./constraints.js";
import { type DomainContext, type Transaction, change, lockRow } from "./context.js";
import { fieldChanges } from "./events.js";
import { deleteHeldRole, deletePermissions } from "./template-effects.js";
import { description, idList, parseInput, permissionName, text } from "./input.js";

export const roleType = z.enum(["USER", "MACHINE_TO_MACHINE"], { error: "must be USER or MACHINE_TO_MACHINE" });

const scopeInput = z.object({ name: permissionName(128), description: description(256) });
const scopeUpdate = z.object({ name: permissionName(128).optional(), description: description(256) });

const permissionIds = z.object({
  organizationScopeIds: idList(500).default([]),
  resourceScopeIds: idList(500).default([]),
});

const roleInput = z.object({
  name: text(128),
  description: description(256),
  type: roleType.default("USER"),
  organizationScopeIds: idList(500).default([]),
  resourceScopeIds: idList(500).default([]),
});
const roleUpdate = z.object({ name: text(128).optional(), description: description(256), type: roleType.optional() });

const duplicateScope = (name?: string) => `an organization permission named ${name ?? "so"} already exists`;
const duplicateRole = (name?: string) => `an organization role named ${name ?? "so"} already exists`;

// ---------------------------------------------------------------------------------------------
// Organization permissions
// ---------------------------------------------------------------------------------------------

export async function createOrganizationScope(context: DomainContext, input: unknown): Promise<OrganizationScope> {
  const data = parseInput(scopeInput, input);
  return guarded({ unique: duplicateScope(data.name) }, () =>
    change(
      context,
      (tx) => tx.organizationScope.create({ data }),
      (scope) => ({ action: "organization_scope.created", targetId: scope.id, data: { name: scope.name } }),
    ),
  );
}

export async function updateOrganizationScope(context: DomainContext, id: string, input: unknown): Promise<OrganizationScope> {
  const data = parseInput(scopeUpdate, input);
  return guarded({ unique: duplicateScope(data.name) }, () =>
    change(
      context,
      async (tx) => {
        const before = await requireScope(tx, id);
        return { before, after: await tx.organizationScope.update({ where: { id }, data: definedOnly(data) }) };
      },
      ({ before, after }) => ({ action: "organization_scope.updated", targetId: id, data: fieldChanges(before, after, data) }),
    ).then(({ after }) => after),
  );
}

/** Deletes the permission; every role loses it (database cascade), and each organization whose members held one is told. */
export async function deleteOrganizationScope(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const scope = await requireScope(tx, id);
      await deletePermissions(tx, context.actor, "organization_scope.deleted", [scope], () => tx.organizationScope.delete({ where: { id } }));
      return scope;
    },
    (scope) => ({ action: "organization_scope.deleted", targetId: scope.id, data: { name: scope.name } }),
  ).then((scope) => scope.id);
}

async function requireScope(tx: Transaction, id: string): Promise<OrganizationScope> {
  const scope = await tx.organizationScope.findUnique({ where: { id } });
  if (!scope) throw new GatehouseError("NOT_FOUND", `no organization permission with id ${id}`, { field: "id" });
  return scope;
}

// ---------------------------------------------------------------------------------------------
// Organization roles
// ---------------------------------------------------------------------------------------------

/** Creates a role with its initial permissions, all in one transaction. */
export async function createOrganizationRole(context: DomainContext, input: unknown): Promise<OrganizationRole> {
  const { organizationScopeIds, resourceScopeIds, ...data } = parseInput(roleInput, input);
  return guarded({ unique: duplicateRole(data.name) }, () =>
    change(
      context,
      async (tx) => {
        await requirePermissions(tx, { organizationScopeIds, resourceScopeIds }, "input");
        return tx.organizationRole.create({
          data: {
            ...data,
            scopes: { create: organizationScopeIds.map((scopeId) => ({ scopeId })) },
            resourceScopes: { create: resourceScopeIds.map((scopeId) => ({ scopeId })) },
          },
        });
      },
      (role) => ({
        action: "organization_role.created",
        targetId: role.id,
        data: { name: role.name, type: role.type, organizationScopeIds, resourceScopeIds },
      }),
    ),
  );
}

/** Renames or describes a role; its type may change only while nobody holds it. */
export async function updateOrganizationRole(context: DomainContext, id: string, input: unknown): Promise<OrganizationRole> {
  const data = parseInput(roleUpdate, input);
  return guarded({ unique: duplicateRole(data.name) }, () =>
    change(
      context,
      async (tx) => {
        const before = await requireRole(tx, id, { lock: true });
        if (data.type && data.type !== before.type) await assertUnassigned(tx, before);
        return { before, after: await tx.organizationRole.update({ where: { id }, data: definedOnly(data) }) };
      },
      ({ before, after }) => ({ action: "organization_role.updated", targetId: id, data: fieldChanges(before, after, data) }),
    ).then(({ after }) => after),
  );
}

/** Deletes the role and, by cascade, every assignment of it; each organization where it was held is told. */
export async function deleteOrganizationRole(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const role = await requireRole(tx, id, { lock: true });
      await deleteHeldRole(tx, context.actor, role, () => tx.organizationRole.delete({ where: { id } }));
      return role;
    },
    (role) => ({ action: "organization_role.deleted", targetId: role.id, data: { name: role.name } }),
  ).then((role) => role.id);
}

/** How a set changes: a role's permissions, an organization's JIT domains or roles. */
export type SetChange = "add" | "remove" | "replace";

const rolePermissionEvents = {
  add: "organization_role.permissions_added",
  remove: "organization_role.permissions_removed",
  replace: "organization_role.permissions_replaced",
} as const;

/**
 * Adds (idempotently), removes, or replaces a role's organization and API permissions. A replace
 * locks the role, so concurrent replaces serialize instead of mixing.
 */
export async function changeOrganizationRolePermissions(
  context: DomainContext,
  roleId: string,
  how: SetChange,
  input: unknown,
): Promise<OrganizationRole> {
  const ids = parseInput(permissionIds, input);
  return change(
    context,
    async (tx) => {
      const role = await requireRole(tx, roleId, { lock: true });
      if (how !== "remove") await requirePermissions(tx, ids, "input");
      if (how !== "add") {
        const keep = how === "replace";
        await tx.organizationRoleScope.deleteMany({
          where: { roleId, ...(keep ? {} : { scopeId: { in: ids.organizationScopeIds } }) },
        });
        await tx.organizationRoleResourceScope.deleteMany({
          where: { roleId, ...(keep ? {} : { scopeId: { in: ids.resourceScopeIds } }) },
        });
      }
      if (how !== "remove") {
        await tx.organizationRoleScope.createMany({
          data: ids.organizationScopeIds.map((scopeId) => ({ roleId, scopeId })),
          skipDuplicates: true,
        });
        await tx.organizationRoleResourceScope.createMany({
          data: ids.resourceScopeIds.map((scopeId) => ({ roleId, scopeId })),
          skipDuplicates: true,
        });
      }
      return role;
    },
    (role) => ({ action: rolePermissionEvents[how], targetId: role.id, data: ids }),
  );
}

export async function requireRole(
  tx: Transaction,
  id: string,
  { lock = false } = {},
): Promise<OrganizationRole> {
  if (lock) await lockRow(tx, "organization_roles", id);
  const role = await tx.organizationRole.findUnique({ where: { id } });
  if (!role) throw new GatehouseError("NOT_FOUND", `no organization role with id ${id}`, { field: "id" });
  return role;
}

async function assertUnassigned(tx: Transaction, role: { id: string; name: string }): Promise<void> {
  const [users, applications, invitations, jit] = await Promise.all([
    tx.organizationUserRole.count({ where: { roleId: role.id } }),
    tx.organizationApplicationRole.count({ where: { roleId: role.id } }),
    tx.organizationInvitationRole.count({ where: { roleId: role.id } }),
    tx.organizationJitRole.count({ where: { roleId: role.id } }),
  ]);
  const assignments = users + applications + invitations + jit;
  assertThat(
    assignments === 0,
    "CONFLICT",
    `the type of role ${role.name} cannot change while it is assigned (${assignments} assignment(s))`,
    { field: "input.type", details: { assignments } },
  );
}

/** Throws NOT_FOUND naming the unknown ids, when any permission id does not exist. */
export async function requirePermissions(
  tx: Transaction,
  ids: { organizationScopeIds: string[]; resourceScopeIds: string[] },
  prefix: string,
): Promise<void> {
  const [organizationScopes, resourceScopes] = await Promise.all([
    ids.organizationScopeIds.length
      ? tx.organizationScope.findMany({ where: { id: { in: ids.organizationScopeIds } }, select: { id: true } })
      : [],
    ids.resourceScopeIds.length
      ? tx.resourceScope.findMany({ where: { id: { in: ids.resourceScopeIds } }, select: { id: true } })
      : [],
  ]);
  missing(ids.organizationScopeIds, organizationScopes, `${prefix}.organizationScopeIds`, "organization permission");
  missing(ids.resourceScopeIds, resourceScopes, `${prefix}.resourceScopeIds`, "API permission");
}

function missing(wanted: string[], found: { id: string }[], field: string, what: string): void {
  const known = new Set(found.map((row) => row.id));
  const unknown = wanted.filter((id) => !known.has(id));
  assertThat(unknown.length === 0, "NOT_FOUND", `unknown ${what} id(s): ${unknown.join(", ")}`, {
    field,
    details: { ids: unknown },
  });
}

type DefinedOnly<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** Prisma treats `undefined` as "leave as is"; this keeps explicit nulls (clearing) and drops the rest. */
export function definedOnly<T extends Record<string, unknown>>(data: T): DefinedOnly<T> {
  // Object.fromEntries loses the key types; the filter is what makes the narrower type true.
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) as DefinedOnly<T>;
}

export type { RoleType };
