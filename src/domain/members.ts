// Members of organizations — users and M2M applications — and their organization roles. One set
// of rules serves both kinds (a MemberKind says how each is stored):
//   - roles are given to members only (MEMBERSHIP_REQUIRED), and only roles of the member's kind
//     (ROLE_TYPE_MISMATCH: USER roles for users, MACHINE_TO_MACHINE roles for applications);
//   - adds are idempotent; replace-set changes lock the organization and run in one transaction;
//   - removing a member removes its roles (database cascade).
import { z } from "zod";
import { GatehouseError, assertThat } from "../errors.js";
import type { Organization, OrganizationRole, RoleType } from "../generated/prisma/client.js";
import { type EventInput, eventOf } from "./audit.js";
import { type DomainContext, type Transaction, change, lockRow } from "./context.js";
import { idList, parseInput } from "./input.js";
import { type OrganizationCaller, assertKeepsManager, assertMayHandleRoles, rolesHeldBy } from "./organization-plane.js";
import { requireOrganization } from "./organizations.js";

export interface MemberKind {
  /** `user` or `application`: used in messages and fields. */
  name: "user" | "application";
  /** Its audit actions, by what happened. */
  events: {
    added: "organization.users_added" | "organization.applications_added";
    replaced: "organization.users_replaced" | "organization.applications_replaced";
    removed: "organization.user_removed" | "organization.application_removed";
    rolesAssigned: "organization.user_roles_assigned" | "organization.application_roles_assigned";
    rolesUnassigned: "organization.user_roles_unassigned" | "organization.application_roles_unassigned";
    rolesReplaced: "organization.user_roles_replaced" | "organization.application_roles_replaced";
  };
  roleType: RoleType;
  /** Input fields naming members: `userIds`/`userId` or `applicationIds`/`applicationId`. */
  idsField: "userIds" | "applicationIds";
  idField: "userId" | "applicationId";
  /** Of `ids`, those that exist. */
  existing(tx: Transaction, ids: string[]): Promise<string[]>;
  /** Of `ids` (all when undefined), those that are members of the organization. */
  members(tx: Transaction, organizationId: string, ids?: string[]): Promise<string[]>;
  join(tx: Transaction, organizationId: string, ids: string[]): Promise<void>;
  leave(tx: Transaction, organizationId: string, ids: string[]): Promise<void>;
  grant(tx: Transaction, organizationId: string, memberIds: string[], roleIds: string[]): Promise<void>;
  /** Takes `roleIds` (all roles when undefined) from the members. */
  revoke(tx: Transaction, organizationId: string, memberIds: string[], roleIds?: string[]): Promise<void>;
  /** The roles the members hold in the organization, one row per assignment. */
  assignments(tx: Transaction, organizationId: string, memberIds: string[]): Promise<{ memberId: string; roleId: string }[]>;
  /** The organizations `memberId` belongs to. */
  organizationsOf(tx: Transaction, memberId: string): Promise<string[]>;
}

/** The audit event of a member leaving an organization (`data.reason` when it is not a removal). */
export function removalEvent(kind: MemberKind, memberId: string, organizationId: string, reason?: string): EventInput {
  return eventOf(kind.events.removed, { targetId: memberId, organizationId, data: { memberId, ...(reason ? { reason } : {}) } });
}

export const userMembers: MemberKind = {
  name: "user",
  events: {
    added: "organization.users_added",
    replaced: "organization.users_replaced",
    removed: "organization.user_removed",
    rolesAssigned: "organization.user_roles_assigned",
    rolesUnassigned: "organization.user_roles_unassigned",
    rolesReplaced: "organization.user_roles_replaced",
  },
  roleType: "USER",
  idsField: "userIds",
  idField: "userId",
  existing: async (tx, ids) => (await tx.user.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((u) => u.id),
  members: async (tx, organizationId, ids) =>
    (
      await tx.organizationMembership.findMany({
        where: { organizationId, ...(ids ? { userId: { in: ids } } : {}) },
        select: { userId: true },
      })
    ).map((m) => m.userId),
  join: async (tx, organizationId, ids) => {
    await tx.organizationMembership.createMany({ data: ids.map((userId) => ({ organizationId, userId })), skipDuplicates: true });
  },
  leave: async (tx, organizationId, ids) => {
    await tx.organizationMembership.deleteMany({ where: { organizationId, userId: { in: ids } } });
  },
  grant: async (tx, organizationId, memberIds, roleIds) => {
    await tx.organizationUserRole.createMany({
      data: memberIds.flatMap((userId) => roleIds.map((roleId) => ({ organizationId, userId, roleId }))),
      skipDuplicates: true,
    });
  },
  revoke: async (tx, organizationId, memberIds, roleIds) => {
    await tx.organizationUserRole.deleteMany({
      where: { organizationId, userId: { in: memberIds }, ...(roleIds ? { roleId: { in: roleIds } } : {}) },
    });
  },
  assignments: async (tx, organizationId, userIds) =>
    (
      await tx.organizationUserRole.findMany({ where: { organizationId, userId: { in: userIds } }, select: { userId: true, roleId: true } })
    ).map(({ userId, roleId }) => ({ memberId: userId, roleId })),
  organizationsOf: async (tx, userId) =>
    (await tx.organizationMembership.findMany({ where: { userId }, select: { organizationId: true } })).map((m) => m.organizationId),
};

export const applicationMembers: MemberKind = {
  name: "application",
  events: {
    added: "organization.applications_added",
    replaced: "organization.applications_replaced",
    removed: "organization.application_removed",
    rolesAssigned: "organization.application_roles_assigned",
    rolesUnassigned: "organization.application_roles_unassigned",
    rolesReplaced: "organization.application_roles_replaced",
  },
  roleType: "MACHINE_TO_MACHINE",
  idsField: "applicationIds",
  idField: "applicationId",
  existing: async (tx, ids) =>
    (await tx.application.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((a) => a.id),
  members: async (tx, organizationId, ids) =>
    (
      await tx.organizationApplication.findMany({
        where: { organizationId, ...(ids ? { applicationId: { in: ids } } : {}) },
        select: { applicationId: true },
      })
    ).map((m) => m.applicationId),
  join: async (tx, organizationId, ids) => {
    await tx.organizationApplication.createMany({
      data: ids.map((applicationId) => ({ organizationId, applicationId })),
      skipDuplicates: true,
    });
  },
  leave: async (tx, organizationId, ids) => {
    await tx.organizationApplication.deleteMany({ where: { organizationId, applicationId: { in: ids } } });
  },
  grant: async (tx, organizationId, memberIds, roleIds) => {
    await tx.organizationApplicationRole.createMany({
      data: memberIds.flatMap((applicationId) => roleIds.map((roleId) => ({ organizationId, applicationId, roleId }))),
      skipDuplicates: true,
    });
  },
  revoke: async (tx, organizationId, memberIds, roleIds) => {
    await tx.organizationApplicationRole.deleteMany({
      where: { organizationId, applicationId: { in: memberIds }, ...(roleIds ? { roleId: { in: roleIds } } : {}) },
    });
  },
  assignments: async (tx, organizationId, applicationIds) =>
    (
      await tx.organizationApplicationRole.findMany({
        where: { organizationId, applicationId: { in: applicationIds } },
        select: { applicationId: true, roleId: true },
      })
    ).map(({ applicationId, roleId }) => ({ memberId: applicationId, roleId })),
  organizationsOf: async (tx, applicationId) =>
    (await tx.organizationApplication.findMany({ where: { applicationId }, select: { organizationId: true } })).map((m) => m.organizationId),
};

/** Roles named by id or by name (either list may be empty). */
export const roleRefs = {
  roleIds: idList(100).default([]),
  roleNames: z.array(z.string().trim().min(1, "must not be empty")).max(100, "must hold at most 100 names").default([]),
};
const nonEmpty = (max: number) => idList(max).refine((ids) => ids.length > 0, "must not be empty");

/** Parses `input`, whose member ids are under the kind's own field names, into member ids. */
function parseMembers<T extends z.ZodRawShape>(kind: MemberKind, input: unknown, ids: z.ZodType<string[]>, rest: T) {
  const parsed = parseInput(z.object({ [kind.idsField]: ids, ...rest }), input) as Record<string, unknown>;
  return { ...(parsed as z.output<z.ZodObject<T>>), memberIds: parsed[kind.idsField] as string[] };
}

function parseMember<T extends z.ZodRawShape>(kind: MemberKind, input: unknown, rest: T) {
  const parsed = parseInput(z.object({ [kind.idField]: z.string().min(1, "must not be empty"), ...rest }), input) as Record<
    string,
    unknown
  >;
  return { ...(parsed as z.output<z.ZodObject<T>>), memberId: parsed[kind.idField] as string };
}

type RoleRefs = { roleIds: string[]; roleNames: string[] };
type RoleRefsWhere = { OR: ({ id: { in: string[] } } | { name: { in: string[] } })[] };

/**
 * The roles named by id or by name, all of `kind`'s type. Throws NOT_FOUND naming unknown ones,
 * and ROLE_TYPE_MISMATCH naming roles of the other type.
 */
export async function resolveRoles(tx: Transaction, kind: MemberKind, refs: RoleRefs): Promise<OrganizationRole[]> {
  return resolveRoleRefs(refs, kind, "organization role", (where) =>
    tx.organizationRole.findMany({ where, orderBy: { name: "asc" } }),
  );
}

/** What `resolveRoles` does, for any table of roles: `find` reads the roles matching `where`. */
export async function resolveRoleRefs<Role extends { id: string; name: string; type: RoleType }>(
  refs: RoleRefs,
  kind: Pick<MemberKind, "name" | "roleType">,
  what: string,
  find: (where: RoleRefsWhere) => Promise<Role[]>,
): Promise<Role[]> {
  if (refs.roleIds.length === 0 && refs.roleNames.length === 0) return [];
  const roles = await find({ OR: [{ id: { in: refs.roleIds } }, { name: { in: refs.roleNames } }] });
  const unknownIds = refs.roleIds.filter((id) => !roles.some((role) => role.id === id));
  const unknownNames = refs.roleNames.filter((name) => !roles.some((role) => role.name === name));
  assertThat(unknownIds.length === 0, "NOT_FOUND", `unknown ${what} id(s): ${unknownIds.join(", ")}`, {
    field: "input.roleIds",
    details: { ids: unknownIds },
  });
  assertThat(unknownNames.length === 0, "NOT_FOUND", `unknown ${what} name(s): ${unknownNames.join(", ")}`, {
    field: "input.roleNames",
    details: { names: unknownNames },
  });
  const mismatched = roles.filter((role) => role.type !== kind.roleType);
  assertThat(
    mismatched.length === 0,
    "ROLE_TYPE_MISMATCH",
    `${kind.name}s can hold only ${kind.roleType} roles; ${mismatched.map((role) => `${role.name} is ${role.type}`).join(", ")}`,
    { details: { roleIds: mismatched.map((role) => role.id) } },
  );
  return roles;
}

async function requireExisting(tx: Transaction, kind: MemberKind, ids: string[]): Promise<void> {
  const found = new Set(await kind.existing(tx, ids));
  const unknown = ids.filter((id) => !found.has(id));
  assertThat(unknown.length === 0, "NOT_FOUND", `unknown ${kind.name} id(s): ${unknown.join(", ")}`, {
    field: `input.${kind.idsField}`,
    details: { ids: unknown },
  });
}

async function requireMembers(tx: Transaction, kind: MemberKind, organizationId: string, ids: string[]): Promise<void> {
  const members = new Set(await kind.members(tx, organizationId, ids));
  const outsiders = ids.filter((id) => !members.has(id));
  assertThat(
    outsiders.length === 0,
    "MEMBERSHIP_REQUIRED",
    `${kind.name}(s) ${outsiders.join(", ")} must be members of the organization first`,
    { details: { ids: outsiders } },
  );
}

/** Locks the organization (concurrent member changes serialize) and checks it exists. */
export async function lockOrganization(tx: Transaction, organizationId: string): Promise<Organization> {
  await lockRow(tx, "organizations", organizationId);
  return requireOrganization(tx, organizationId);
}

/** Adds members (already-members are kept as they are), giving each the roles named. */
export async function addMembers(context: DomainContext, kind: MemberKind, organizationId: string, input: unknown) {
  const { memberIds, ...refs } = parseMembers(kind, input, idList(100), roleRefs);
  return change(
    context,
    async (tx) => {
      await lockOrganization(tx, organizationId);
      await requireExisting(tx, kind, memberIds);
      const roles = await resolveRoles(tx, kind, refs);
      await kind.join(tx, organizationId, memberIds);
      await kind.grant(tx, organizationId, memberIds, roles.map((role) => role.id));
      return { memberIds, roles: roles.map(({ id, name }) => ({ id, name })) };
    },
    (data) => eventOf(kind.events.added, { targetId: organizationId, organizationId, data }),
  );
}

/** Makes the members exactly `memberIds`: others leave (with their roles), new ones join without roles. */
export async function setMembers(context: DomainContext, kind: MemberKind, organizationId: string, input: unknown) {
  const { memberIds } = parseMembers(kind, input, idList(1000), {});
  return change(
    context,
    async (tx) => {
      await lockOrganization(tx, organizationId);
      await requireExisting(tx, kind, memberIds);
      const current = await kind.members(tx, organizationId);
      const removed = current.filter((id) => !memberIds.includes(id));
      const added = memberIds.filter((id) => !current.includes(id));
      await kind.leave(tx, organizationId, removed);
      await kind.join(tx, organizationId, added);
      return { added, removed };
    },
    (delta) => eventOf(kind.events.replaced, { targetId: organizationId, organizationId, data: delta }),
  );
}

/**
 * Removes one member, and with it every role it held there. An organization-plane caller may
 * remove only members whose roles it could give, and not the last manager.
 */
export async function removeMember(
  context: DomainContext,
  kind: MemberKind,
  organizationId: string,
  memberId: string,
  caller?: OrganizationCaller,
) {
  return change(
    context,
    async (tx) => {
      await lockOrganization(tx, organizationId);
      const [member] = await kind.members(tx, organizationId, [memberId]);
      if (!member) throw new GatehouseError("NOT_FOUND", `${kind.name} ${memberId} is not a member of the organization`);
      if (caller) await assertMayHandleRoles(tx, caller, await rolesHeldBy(tx, organizationId, [memberId]));
      await kind.leave(tx, organizationId, [memberId]);
      if (caller) await assertKeepsManager(tx, organizationId);
      return memberId;
    },
    () => removalEvent(kind, memberId, organizationId),
  );
}

/** Gives every one of `memberIds` every one of the roles (idempotent). */
export async function assignRoles(
  context: DomainContext,
  kind: MemberKind,
  organizationId: string,
  input: unknown,
  caller?: OrganizationCaller,
) {
  return changeRoles(context, kind, organizationId, input, kind.events.rolesAssigned, caller);
}

/** Takes the roles from every one of `memberIds`. */
export async function unassignRoles(
  context: DomainContext,
  kind: MemberKind,
  organizationId: string,
  input: unknown,
  caller?: OrganizationCaller,
) {
  return changeRoles(context, kind, organizationId, input, kind.events.rolesUnassigned, caller);
}

async function changeRoles(
  context: DomainContext,
  kind: MemberKind,
  organizationId: string,
  input: unknown,
  action: MemberKind["events"]["rolesAssigned" | "rolesUnassigned"],
  caller: OrganizationCaller | undefined,
) {
  const { memberIds, ...refs } = parseMembers(kind, input, nonEmpty(100), roleRefs);
  const assigning = action === kind.events.rolesAssigned;
  return change(
    context,
    async (tx) => {
      await requireOrganization(tx, organizationId);
      const roles = await resolveRoles(tx, kind, refs);
      await requireMembers(tx, kind, organizationId, memberIds);
      const roleIds = roles.map((role) => role.id);
      if (caller) await assertMayHandleRoles(tx, caller, roleIds);
      const before = await kind.assignments(tx, organizationId, memberIds);
      if (assigning) await kind.grant(tx, organizationId, memberIds, roleIds);
      else await kind.revoke(tx, organizationId, memberIds, roleIds);
      if (caller && !assigning) await assertKeepsManager(tx, organizationId);
      const after = await kind.assignments(tx, organizationId, memberIds);
      return { memberIds, deltas: await roleDeltas(tx, memberIds, before, after) };
    },
    ({ deltas }) => deltas.map((data) => eventOf(action, { targetId: data.memberId, organizationId, data })),
  );
}

/**
 * What each member gained and lost, with the roles' names, for the members whose roles changed
 * (one event each: a change that changes nothing, such as assigning a role held already, is not
 * an event).
 */
async function roleDeltas(
  tx: Transaction,
  memberIds: string[],
  before: { memberId: string; roleId: string }[],
  after: { memberId: string; roleId: string }[],
) {
  const key = ({ memberId, roleId }: { memberId: string; roleId: string }) => `${memberId} ${roleId}`;
  const held = new Set(before.map(key));
  const holds = new Set(after.map(key));
  const added = after.filter((assignment) => !held.has(key(assignment)));
  const removed = before.filter((assignment) => !holds.has(key(assignment)));
  const changedRoleIds = [...new Set([...added, ...removed].map(({ roleId }) => roleId))];
  const names = new Map(
    changedRoleIds.length === 0
      ? []
      : (await tx.organizationRole.findMany({ where: { id: { in: changedRoleIds } }, select: { id: true, name: true } })).map(
          (role) => [role.id, role.name] as const,
        ),
  );
  const refsOf = (assignments: { memberId: string; roleId: string }[], memberId: string) =>
    assignments.filter((assignment) => assignment.memberId === memberId).map(({ roleId }) => ({ id: roleId, name: names.get(roleId)! }));
  return memberIds
    .map((memberId) => ({ memberId, added: refsOf(added, memberId), removed: refsOf(removed, memberId) }))
    .filter((delta) => delta.added.length > 0 || delta.removed.length > 0);
}

/** Makes one member's roles exactly those named. */
export async function setMemberRoles(
  context: DomainContext,
  kind: MemberKind,
  organizationId: string,
  input: unknown,
  caller?: OrganizationCaller,
) {
  const { memberId, ...refs } = parseMember(kind, input, roleRefs);
  return change(
    context,
    async (tx) => {
      await lockOrganization(tx, organizationId);
      const roles = await resolveRoles(tx, kind, refs);
      await requireMembers(tx, kind, organizationId, [memberId]);
      const roleIds = roles.map((role) => role.id);
      if (caller) {
        const held = await rolesHeldBy(tx, organizationId, [memberId]);
        const changed = [...held.filter((id) => !roleIds.includes(id)), ...roleIds.filter((id) => !held.includes(id))];
        await assertMayHandleRoles(tx, caller, changed);
      }
      const before = await kind.assignments(tx, organizationId, [memberId]);
      await kind.revoke(tx, organizationId, [memberId]);
      await kind.grant(tx, organizationId, [memberId], roleIds);
      if (caller) await assertKeepsManager(tx, organizationId);
      const after = await kind.assignments(tx, organizationId, [memberId]);
      return { memberId, deltas: await roleDeltas(tx, [memberId], before, after) };
    },
    ({ deltas }) => deltas.map((data) => eventOf(kind.events.rolesReplaced, { targetId: memberId, organizationId, data })),
  );
}
