// Realistic data, written straight to the database, for tests of the token and authorization
// rules (the management API's own tests create theirs through GraphQL).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/db/index.js";
import { generateClientSecret, hashClientSecret } from "../../src/domain/applications.js";

const unique = () => randomBytes(4).toString("hex");

export function fixtures(prisma: PrismaClient) {
  return {
    user: (data: { primaryEmail?: string; name?: string; mfaEnrolled?: boolean } = {}) =>
      prisma.user.create({ data: { name: `User ${unique()}`, ...data } }),

    organization: (data: { name?: string; isMfaRequired?: boolean } = {}) =>
      prisma.organization.create({ data: { name: `Org ${unique()}`, ...data } }),

    async application(name = `App ${unique()}`) {
      const secret = generateClientSecret();
      const application = await prisma.application.create({ data: { name, secretHash: hashClientSecret(secret) } });
      return { ...application, secret };
    },

    /** An API resource with its permissions. */
    apiResource: (indicator: string, scopes: string[], accessTokenTtl = 900) =>
      prisma.apiResource.create({
        data: { name: indicator, indicator, accessTokenTtl, scopes: { create: scopes.map((name) => ({ name })) } },
        include: { scopes: true },
      }),

    /** An organization role holding organization permissions (created when missing) and API permissions. */
    async organizationRole(options: {
      name?: string;
      type?: "USER" | "MACHINE_TO_MACHINE";
      permissions?: string[];
      resourceScopeIds?: string[];
    }) {
      const scopes = await Promise.all(
        (options.permissions ?? []).map((name) =>
          prisma.organizationScope.upsert({ where: { name }, create: { name }, update: {} }),
        ),
      );
      return prisma.organizationRole.create({
        data: {
          name: options.name ?? `role-${unique()}`,
          type: options.type ?? "USER",
          scopes: { create: scopes.map((scope) => ({ scopeId: scope.id })) },
          resourceScopes: { create: (options.resourceScopeIds ?? []).map((scopeId) => ({ scopeId })) },
        },
      });
    },

    /** A global role holding API permissions. */
    globalRole: (options: { type?: "USER" | "MACHINE_TO_MACHINE"; scopeIds: string[] }) =>
      prisma.role.create({
        data: {
          name: `global-${unique()}`,
          type: options.type ?? "USER",
          scopes: { create: options.scopeIds.map((scopeId) => ({ scopeId })) },
        },
      }),

    async member(organizationId: string, userId: string, roleIds: string[] = []) {
      await prisma.organizationMembership.create({
        data: { organizationId, userId, roles: { create: roleIds.map((roleId) => ({ roleId })) } },
      });
    },

    async applicationMember(organizationId: string, applicationId: string, roleIds: string[] = []) {
      await prisma.organizationApplication.create({
        data: { organizationId, applicationId, roles: { create: roleIds.map((roleId) => ({ roleId })) } },
      });
    },
  };
}
