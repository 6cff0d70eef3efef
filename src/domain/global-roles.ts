// Global roles: API permissions held everywhere, outside any organization (global API tokens carry
// them; organization roles never count there). A role is for users or for M2M applications, by its
// type: assignments check it here, with ROLE_TYPE_MISMATCH, before the database's composite key
// refuses it. Deleting a role, or a permission, removes it from every holder (database cascade).
import { z } from "zod";
import { GatehouseError, assertThat } from "../errors.js";
import type { Role, RoleType } from "../generated/prisma/client.js";
import { eventOf } from "./audit.js";
import { guarded } from "./constraints.js";
import { type DomainContext, type LockableTable, type Transaction, change, lockRow } from "./context.js";
import { fieldChanges } from "./events.js";
import { description, idList, parseInput, text } from "./input.js";
import { resolveRoleRefs, roleRefs } from "./members.js";
import { type SetChange, definedOnly, requirePermissions, roleType } from "./template.js";

const roleInput = z.object({
  name: text(128),
  description: description(256),
  type: roleType.default("USER"),
  resourceScopeIds: idList(500).default([]),
});
const roleUpdate = z.object({ name: text(128).optional(), description: description(256), type: roleType.optional() });
const permissionIds = z.object({ resourceScopeIds: idList(500).default([]) });
const assignment = z.object(roleRefs);

const duplicateRole = (name?: string) => `a global role named ${name ?? "so"} already exists`;

/** Creates a role with its initial API permissions, in one transaction. */
export async function createGlobalRole(context: DomainContext, input: unknown): Promise<Role> {
  const { resourceScopeIds, ...data } = parseInput(roleInput, input);
  return guarded({ unique: duplicateRole(data.name) }, () =>
    change(
      context,
      async (tx) => {
        await requireApiPermissions(tx, resourceScopeIds);
        return tx.role.create({ data: { ...data, scopes: { create: resourceScopeIds.map((scopeId) => ({ scopeId })) } } });
      },
      (role) => ({
        action: "global_role.created",
        targetId: role.id,
        data: { name: role.name, type: role.type, resourceScopeIds },
      }),
    ),
  );
}

/** Renames or describes a role; its type may change only while nobody holds it. */
export async function updateGlobalRole(context: DomainContext, id: string, input: unknown): Promise<Role> {
  const data = parseInput(roleUpdate, input);
  return guarded({ unique: duplicateRole(data.name) }, () =>
    change(
      context,
      async (tx) => {
        const before = await requireGlobalRole(tx, id, { lock: true });
        if (data.type && data.type !== before.type) await assertUnassigned(tx, before);
        return { before, after: await tx.role.update({ where: { id }, data: definedOnly(data) }) };
      },
      ({ before, after }) => ({ action: "global_role.updated", targetId: id, data: fieldChanges(before, after, data) }),
    ).then(({ after }) => after),
  );
}

/** Deletes the role and, by cascade, every assignment of it. */
export async function deleteGlobalRole(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const role = await requireGlobalRole(tx, id, { lock: true });
      await tx.role.delete({ where: { id } });
      return role;
    },
    (role) => ({ action: "global_role.deleted", targetId: role.id, data: { name: role.name } }),
  ).then((role) => role.id);
}

/** Adds (idempotently), removes, or replaces a role's API permissions; the role is locked meanwhile. */
export async function changeGlobalRolePermissions(
  context: DomainContext,
  roleId: string,
  how: SetChange,
  input: unknown,
): Promise<Role> {
  const { resourceScopeIds } = parseInput(permissionIds, input);
  return change(
    context,
    async (tx) => {
      const role = await requireGlobalRole(tx, roleId, { lock: true });
      if (how !== "remove") await requireApiPermissions(tx, resourceScopeIds);
      if (how !== "add") {
        await tx.roleScope.deleteMany({
          where: { roleId, ...(how === "replace" ? {} : { scopeId: { in: resourceScopeIds } }) },
        });
      }
      if (how !== "remove") {
        await tx.roleScope.createMany({ data: resourceScopeIds.map((scopeId) => ({ roleId, scopeId })), skipDuplicates: true });
      }
      return role;
    },
    (role) => ({ action: globalRolePermissionEvents[how], targetId: role.id, data: { resourceScopeIds } }),
  );
}

const globalRolePermissionEvents = {
  add: "global_role.permissions_added",
  remove: "global_role.permissions_removed",
  replace: "global_role.permissions_replaced",
} as const;

export async function requireGlobalRole(tx: Transaction, id: string, { lock = false } = {}): Promise<Role> {
  if (lock) await lockRow(tx, "roles", id);
  const role = await tx.role.findUnique({ where: { id } });
  if (!role) throw new GatehouseError("NOT_FOUND", `no global role with id ${id}`, { field: "id" });
  return role;
}

function requireApiPermissions(tx: Transaction, resourceScopeIds: string[]): Promise<void> {
  return requirePermissions(tx, { organizationScopeIds: [], resourceScopeIds }, "input");
}

async function assertUnassigned(tx: Transaction, role: Role): Promise<void> {
  const [users, applications] = await Promise.all([
    tx.userRole.count({ where: { roleId: role.id } }),
    tx.applicationRole.count({ where: { roleId: role.id } }),
  ]);
  const assignments = users + applications;
  assertThat(
    assignments === 0,
    "CONFLICT",
    `the type of role ${role.name} cannot change while it is assigned (${assignments} assignment(s))`,
    { field: "input.type", details: { assignments } },
  );
}

// ---------------------------------------------------------------------------------------------
// Assignments
// ---------------------------------------------------------------------------------------------

/** Who holds global roles — users or applications — and how their assignments are stored. */
export interface GlobalRoleHolder {
  /** `user` or `application`: used in messages. */
  name: "user" | "application";
  /** The audit actions of its assignment changes. */
  events: {
    assigned: "user.global_roles_assigned" | "application.global_roles_assigned";
    unassigned: "user.global_roles_unassigned" | "application.global_roles_unassigned";
    replaced: "user.global_roles_replaced" | "application.global_roles_replaced";
  };
  roleType: RoleType;
  table: LockableTable;
  grant(tx: Transaction, holderId: string, roleIds: string[]): Promise<void>;
  /** Takes `roleIds` (every role when undefined) from the holder. */
  revoke(tx: Transaction, holderId: string, roleIds?: string[]): Promise<void>;
}

export const userRoleHolder: GlobalRoleHolder = {
  name: "user",
  events: { assigned: "user.global_roles_assigned", unassigned: "user.global_roles_unassigned", replaced: "user.global_roles_replaced" },
  roleType: "USER",
  table: "users",
  grant: async (tx, userId, roleIds) => {
    await tx.userRole.createMany({ data: roleIds.map((roleId) => ({ userId, roleId })), skipDuplicates: true });
  },
  revoke: async (tx, userId, roleIds) => {
    await tx.userRole.deleteMany({ where: { userId, ...(roleIds ? { roleId: { in: roleIds } } : {}) } });
  },
};

export const applicationRoleHolder: GlobalRoleHolder = {
  name: "application",
  events: {
    assigned: "application.global_roles_assigned",
    unassigned: "application.global_roles_unassigned",
    replaced: "application.global_roles_replaced",
  },
  roleType: "MACHINE_TO_MACHINE",
  table: "applications",
  grant: async (tx, applicationId, roleIds) => {
    await tx.applicationRole.createMany({ data: roleIds.map((roleId) => ({ applicationId, roleId })), skipDuplicates: true });
  },
  revoke: async (tx, applicationId, roleIds) => {
    await tx.applicationRole.deleteMany({ where: { applicationId, ...(roleIds ? { roleId: { in: roleIds } } : {}) } });
  },
};

type AssignmentChange = "assigned" | "unassigned" | "replaced";

/** Gives the holder the roles named by id or name (idempotent). Returns the holder's id. */
export function assignGlobalRoles(context: DomainContext, holder: GlobalRoleHolder, holderId: string, input: unknown) {
  return changeAssignments(context, holder, holderId, input, "assigned");
}

/** Takes the roles named from the holder. */
export function unassignGlobalRoles(context: DomainContext, holder: GlobalRoleHolder, holderId: string, input: unknown) {
  return changeAssignments(context, holder, holderId, input, "unassigned");
}

/** Makes the holder's global roles exactly those named. */
export function setGlobalRoles(context: DomainContext, holder: GlobalRoleHolder, holderId: string, input: unknown) {
  return changeAssignments(context, holder, holderId, input, "replaced");
}

async function changeAssignments(
  context: DomainContext,
  holder: GlobalRoleHolder,
  holderId: string,
  input: unknown,
  how: AssignmentChange,
): Promise<string> {
  const refs = parseInput(assignment, input);
  return change(
    context,
    async (tx) => {
      // The lock serializes concurrent changes to one holder's roles; no row means no holder.
      const exists = await lockRow(tx, holder.table, holderId);
      if (!exists) throw new GatehouseError("NOT_FOUND", `no ${holder.name} with id ${holderId}`, { field: `input.${holder.name}Id` });
      const roles = await resolveRoleRefs(refs, holder, "global role", (where) => tx.role.findMany({ where, orderBy: { name: "asc" } }));
      const roleIds = roles.map((role) => role.id);
      if (how !== "assigned") await holder.revoke(tx, holderId, how === "replaced" ? undefined : roleIds);
      if (how !== "unassigned") await holder.grant(tx, holderId, roleIds);
      return roleIds;
    },
    (roleIds) => eventOf(holder.events[how], { targetId: holderId, data: { roleIds } }),
  ).then(() => holderId);
}
