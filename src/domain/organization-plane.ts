// Rules for callers acting inside one organization with an organization token (the organization
// plane), on top of the permission each operation needs:
//   - no privilege escalation: a caller gives or takes only roles whose permissions (organization
//     and API) it holds itself, and removes only members whose roles it could have given;
//   - the organization keeps a manager: no change may leave it without a member holding
//     `manage:organization` (the management plane, the break-glass, may).
import { assertThat } from "../errors.js";
import type { Transaction } from "./context.js";
import type { Subject } from "./tokens/grants.js";

export const MANAGER_PERMISSION = "manage:organization";

/** An organization token's caller: acting in `organizationId` as `subject`. */
export interface OrganizationCaller {
  organizationId: string;
  subject: Subject;
}

interface Grants {
  permissions: Set<string>;
  resourceScopeIds: Set<string>;
}

function assignmentsOf(subject: Subject, organizationId: string) {
  return subject.type === "user"
    ? { userAssignments: { some: { organizationId, userId: subject.id } } }
    : { appAssignments: { some: { organizationId, applicationId: subject.id } } };
}

/** What the caller's current roles grant in the organization. */
async function grantsOf(tx: Transaction, caller: OrganizationCaller): Promise<Grants> {
  const roles = await tx.organizationRole.findMany({
    where: assignmentsOf(caller.subject, caller.organizationId),
    select: { scopes: { select: { scope: { select: { name: true } } } }, resourceScopes: { select: { scopeId: true } } },
  });
  return {
    permissions: new Set(roles.flatMap((role) => role.scopes.map((link) => link.scope.name))),
    resourceScopeIds: new Set(roles.flatMap((role) => role.resourceScopes.map((link) => link.scopeId))),
  };
}

/** Refuses (FORBIDDEN) roles granting anything the caller does not hold. */
export async function assertMayHandleRoles(tx: Transaction, caller: OrganizationCaller, roleIds: string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const [grants, roles] = await Promise.all([
    grantsOf(tx, caller),
    tx.organizationRole.findMany({
      where: { id: { in: roleIds } },
      select: {
        name: true,
        scopes: { select: { scope: { select: { name: true } } } },
        resourceScopes: { select: { scope: { select: { id: true, name: true } } } },
      },
      orderBy: { name: "asc" },
    }),
  ]);
  for (const role of roles) {
    const beyond = [
      ...role.scopes.map((link) => link.scope.name).filter((name) => !grants.permissions.has(name)),
      ...role.resourceScopes.filter((link) => !grants.resourceScopeIds.has(link.scope.id)).map((link) => link.scope.name),
    ];
    assertThat(
      beyond.length === 0,
      "FORBIDDEN",
      `role ${role.name} grants permissions you do not hold (${beyond.join(", ")}); only a holder of all of them, or a management token, may give or take it`,
      { details: { role: role.name, permissions: beyond } },
    );
  }
}

/** The ids of the roles a user holds in the organization. */
export async function rolesHeldBy(tx: Transaction, organizationId: string, userIds: string[]): Promise<string[]> {
  const links = await tx.organizationUserRole.findMany({
    where: { organizationId, userId: { in: userIds } },
    select: { roleId: true },
  });
  return [...new Set(links.map((link) => link.roleId))];
}

/** Refuses (CONFLICT) a change that left the organization without a member holding the manager permission. */
export async function assertKeepsManager(tx: Transaction, organizationId: string): Promise<void> {
  const managers = await tx.organizationMembership.count({
    where: { organizationId, roles: { some: { role: { scopes: { some: { scope: { name: MANAGER_PERMISSION } } } } } } },
  });
  assertThat(
    managers > 0,
    "CONFLICT",
    `the organization would have no member holding ${MANAGER_PERMISSION}; give the permission to someone else first`,
    { details: { permission: MANAGER_PERMISSION } },
  );
}
