// What a subject's roles grant, read fresh from the template at every token request: a template
// change shows in the next token, with no re-login (Logto fixes grants at sign-in).
import type { PrismaClient } from "../../db/index.js";

/** Who a token is for: a user, or an M2M application acting for itself. */
export type Subject = { type: "user"; id: string } | { type: "application"; id: string };

/** Assignments of `subject` in `organizationId`, as a Prisma relation filter on roles. */
function assignedIn(subject: Subject, organizationId: string) {
  return subject.type === "user"
    ? { userAssignments: { some: { organizationId, userId: subject.id } } }
    : { appAssignments: { some: { organizationId, applicationId: subject.id } } };
}

export interface MembershipFacts {
  /** The organization requires MFA of its members. */
  mfaRequired: boolean;
  /** The member (a user) has MFA enrolled; always false for applications. */
  mfaEnrolled: boolean;
}

/**
 * What token rules need to know of `subject`'s membership, in one query; undefined when it is not a
 * member (an unknown organization has no members).
 */
export async function organizationMembership(
  prisma: PrismaClient,
  subject: Subject,
  organizationId: string,
): Promise<MembershipFacts | undefined> {
  if (subject.type === "application") {
    const membership = await prisma.organizationApplication.findUnique({
      where: { organizationId_applicationId: { organizationId, applicationId: subject.id } },
      select: { organization: { select: { isMfaRequired: true } } },
    });
    return membership ? { mfaRequired: membership.organization.isMfaRequired, mfaEnrolled: false } : undefined;
  }
  const membership = await prisma.organizationMembership.findUnique({
    where: { organizationId_userId: { organizationId, userId: subject.id } },
    select: { organization: { select: { isMfaRequired: true } }, user: { select: { mfaEnrolled: true } } },
  });
  return membership
    ? { mfaRequired: membership.organization.isMfaRequired, mfaEnrolled: membership.user.mfaEnrolled }
    : undefined;
}

/** Organization permissions the subject's organization roles grant in one organization. */
export async function grantedOrganizationScopes(
  prisma: PrismaClient,
  subject: Subject,
  organizationId: string,
): Promise<string[]> {
  const scopes = await prisma.organizationScope.findMany({
    where: { roles: { some: { role: assignedIn(subject, organizationId) } } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return scopes.map((scope) => scope.name);
}

/** A subject as a string: `user:<id>` or `application:<id>`. */
export function subjectKey(subject: Subject): string {
  return `${subject.type}:${subject.id}`;
}

/**
 * `grantedOrganizationScopes` for many subjects of one organization at once (one query per kind of
 * subject), by `subjectKey`: what a change costs its subscribers, however many they are.
 */
export async function grantedOrganizationScopesOfMany(
  prisma: PrismaClient,
  organizationId: string,
  subjects: readonly Subject[],
): Promise<Map<string, Set<string>>> {
  const granted = new Map(subjects.map((subject) => [subjectKey(subject), new Set<string>()]));
  const idsOf = (type: Subject["type"]) => subjects.filter((subject) => subject.type === type).map((subject) => subject.id);
  const [userIds, applicationIds] = [idsOf("user"), idsOf("application")];
  const role = { select: { scopes: { select: { scope: { select: { name: true } } } } } };
  const [users, applications] = await Promise.all([
    userIds.length === 0 ? [] : prisma.organizationUserRole.findMany({ where: { organizationId, userId: { in: userIds } }, select: { userId: true, role } }),
    applicationIds.length === 0
      ? []
      : prisma.organizationApplicationRole.findMany({ where: { organizationId, applicationId: { in: applicationIds } }, select: { applicationId: true, role } }),
  ]);
  const add = (key: string, scopes: { scope: { name: string } }[]) => {
    for (const { scope } of scopes) granted.get(key)?.add(scope.name);
  };
  for (const { userId: id, role } of users) add(subjectKey({ type: "user", id }), role.scopes);
  for (const { applicationId: id, role } of applications) add(subjectKey({ type: "application", id }), role.scopes);
  return granted;
}

/** API permissions of one resource that the subject's organization roles grant in one organization. */
export async function grantedOrganizationResourceScopes(
  prisma: PrismaClient,
  subject: Subject,
  organizationId: string,
  resourceId: string,
): Promise<string[]> {
  const scopes = await prisma.resourceScope.findMany({
    where: { resourceId, organizationRoles: { some: { role: assignedIn(subject, organizationId) } } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return scopes.map((scope) => scope.name);
}

/**
 * API permissions of one resource that the subject's global roles grant. Organization roles never
 * count here: a global token carries no organization-granted scope (Logto mixes them in).
 */
export async function grantedGlobalResourceScopes(
  prisma: PrismaClient,
  subject: Subject,
  resourceId: string,
): Promise<string[]> {
  const holders =
    subject.type === "user"
      ? { users: { some: { userId: subject.id } } }
      : { applications: { some: { applicationId: subject.id } } };
  const scopes = await prisma.resourceScope.findMany({
    where: { resourceId, roles: { some: { role: holders } } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return scopes.map((scope) => scope.name);
}
